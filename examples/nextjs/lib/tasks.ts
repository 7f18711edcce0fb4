// The task API of the design (/api/{user_id}/tasks/), through the API client.
import apiClient from './api-client'

export interface Task {
  id: number
  user_id: string
  title: string
  description: string
  completed: boolean
  created_at: string
  updated_at: string
}

const base = (userId: string) => `/api/${encodeURIComponent(userId)}/tasks/`

export async function listTasks(userId: string): Promise<Task[]> {
  const { data } = await apiClient.get<Task[]>(base(userId))
  return data
}

export async function createTask(userId: string, title: string, description = ''): Promise<Task> {
  const { data } = await apiClient.post<Task>(base(userId), { title, description })
  return data
}

export async function toggleTask(userId: string, id: number): Promise<Task> {
  const { data } = await apiClient.patch<Task>(`${base(userId)}${id}/complete`)
  return data
}

export async function deleteTask(userId: string, id: number): Promise<void> {
  await apiClient.delete(`${base(userId)}${id}`)
}

// errorMessage gives the API's `detail` (or Better Auth's `message`) of a failed call.
export function errorMessage(err: unknown, fallback: string): string {
  const data = (err as { response?: { data?: { detail?: unknown; message?: unknown } } })?.response?.data
  if (typeof data?.detail === 'string') return data.detail
  if (typeof data?.message === 'string') return data.message
  return fallback
}
