// The design's API client: axios, a request interceptor that fetches the
// session (and its JWT) from /api/auth/session and sends it as
// `Authorization: Bearer <token>`, and a 401 that sends the user to /login.
//
// The API is Latch itself, called on its own origin (CORS is allowed for this
// app's origin through LATCH_TRUSTED_ORIGINS). The origin is read at run time
// from <html data-api-url> (see app/layout.tsx), so one build works against
// any Latch.
import axios from 'axios'

const apiClient = axios.create({
  headers: {
    'Content-Type': 'application/json',
  },
})

export function apiBaseURL(): string {
  if (typeof document === 'undefined') return ''
  return document.documentElement.dataset.apiUrl ?? ''
}

apiClient.interceptors.request.use(
  async (config) => {
    config.baseURL = apiBaseURL()
    const session = await fetch('/api/auth/session').then((res) => res.json())
    if (session?.token) {
      config.headers.Authorization = `Bearer ${session.token}`
    }
    return config
  },
  (error) => Promise.reject(error),
)

apiClient.interceptors.response.use(
  (response) => response,
  async (error) => {
    if (error.response?.status === 401) {
      window.location.href = '/login'
    }
    return Promise.reject(error)
  },
)

export default apiClient
