// Forwards /api/auth/* to Latch, so that the browser talks to this app's own
// origin and Latch's session cookie is first-party. This is the rewrite the
// design would write in next.config's rewrites(); those are fixed when
// `next build` runs, while this one reads LATCH_URL when the server starts,
// so one build can run against any Latch.
import { NextResponse, type NextRequest } from 'next/server'

const latchURL = process.env.LATCH_URL || 'http://localhost:8000'

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl
  return NextResponse.rewrite(new URL(pathname + search, latchURL))
}

export const config = {
  matcher: '/api/auth/:path*',
}
