'use client'

// The design's login page: signIn.email, then the dashboard.
import { useRouter } from 'next/navigation'
import { signIn } from '@/lib/auth-client'
import AuthForm from '@/components/auth-form'

export default function LoginPage() {
  const router = useRouter()

  const login = async (email: string, password: string) => {
    try {
      const { error } = await signIn.email({
        email,
        password,
        callbackURL: '/dashboard',
      })
      if (error) return error.message ?? 'Login failed. Please try again.'
      router.push('/dashboard')
      return null
    } catch {
      return 'Login failed. Please try again.'
    }
  }

  return (
    <AuthForm title="Login" submitLabel="Login" onSubmit={login}
      footer={{ text: 'No account yet?', href: '/register', link: 'Register' }} />
  )
}
