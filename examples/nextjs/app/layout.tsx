import type { Metadata } from 'next'
import { connection } from 'next/server'
import './globals.css'

export const metadata: Metadata = {
  title: 'Tasks',
  description: 'The Next.js frontend of the original design, on Latch',
}

// The task API's origin is read from the environment on every request and
// handed to the browser as <html data-api-url>, so that it is a run-time
// setting rather than one baked in by `next build`. It is Latch (LATCH_URL)
// unless API_URL names another backend with the same routes, such as
// examples/fastapi.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection()
  const apiURL = process.env.API_URL || process.env.LATCH_URL || 'http://localhost:8000'
  return (
    <html lang="en" data-api-url={apiURL}>
      <body>{children}</body>
    </html>
  )
}
