'use client'

// The email and password form both auth pages share. The page passes the
// Better Auth call to make; this component holds the fields and the error.
import { useState } from 'react'
import Link from 'next/link'

interface Props {
  title: string
  submitLabel: string
  passwordMinLength?: number
  footer: { text: string; href: string; link: string }
  onSubmit: (email: string, password: string) => Promise<string | null>
}

export default function AuthForm({ title, submitLabel, passwordMinLength, footer, onSubmit }: Props) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const handleSubmit = async (e: React.FormEvent) => {
    e.preventDefault()
    setError('')
    setBusy(true)
    const message = await onSubmit(email, password)
    if (message) {
      setError(message)
      setBusy(false)
    }
  }

  return (
    <main className="auth">
      <h1>{title}</h1>

      {error && (
        <div className="error" role="alert" id="form-error">
          {error}
        </div>
      )}

      <form onSubmit={handleSubmit} className="stack">
        <div>
          <label htmlFor="email">Email</label>
          <input id="email" type="email" autoComplete="email" value={email}
            onChange={(e) => setEmail(e.target.value)} required />
        </div>

        <div>
          <label htmlFor="password">Password</label>
          <input id="password" type="password" value={password} minLength={passwordMinLength}
            autoComplete={passwordMinLength ? 'new-password' : 'current-password'}
            onChange={(e) => setPassword(e.target.value)} required />
        </div>

        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>

      <p className="muted">
        {footer.text} <Link href={footer.href}>{footer.link}</Link>
      </p>
    </main>
  )
}
