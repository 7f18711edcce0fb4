'use client'

// The design's register page: signUp.email with email and password only (no
// name: Latch names the user after the part of the email before "@").
import { useRouter } from 'next/navigation'
import { signUp } from '@/lib/auth-client'
import AuthForm from '@/components/auth-form'

export default function RegisterPage() {
  const router = useRouter()

  const register = async (email: string, password: string) => {
    try {
      const { error } = await signUp.email({
        email,
        password,
        callbackURL: '/dashboard',
      } as Parameters<typeof signUp.email>[0])
      if (error) return error.message ?? 'Registration failed. Please try again.'
      router.push('/dashboard')
      return null
    } catch {
      return 'Registration failed. Please try again.'
    }
  }

  return (
    <AuthForm title="Register" submitLabel="Register" passwordMinLength={8} onSubmit={register}
      footer={{ text: 'Already have an account?', href: '/login', link: 'Log in' }} />
  )
}
