// The design's Better Auth client. Its base URL is this app's own origin:
// /api/auth/* is forwarded to Latch (see proxy.ts), so the session cookie is
// first-party and nothing here knows where Latch runs.
import { createAuthClient } from 'better-auth/react'

export const authClient = createAuthClient()

export const { signIn, signUp, signOut, useSession } = authClient
