'use client'

// The dashboard: the signed-in user's tasks from Latch's task API, listed,
// added, completed and deleted through lib/api-client.ts.
import { useCallback, useEffect, useState } from 'react'
import { useRouter } from 'next/navigation'
import { signOut, useSession } from '@/lib/auth-client'
import { createTask, deleteTask, errorMessage, listTasks, toggleTask, type Task } from '@/lib/tasks'

export default function DashboardPage() {
  const router = useRouter()
  const { data: session, isPending } = useSession()
  const userId = session?.user.id
  const [tasks, setTasks] = useState<Task[] | null>(null)
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')

  useEffect(() => {
    if (!isPending && !session) router.replace('/login')
  }, [isPending, session, router])

  const load = useCallback(async (id: string) => {
    try {
      setTasks(await listTasks(id))
    } catch (err) {
      setError(errorMessage(err, 'Could not load your tasks.'))
    }
  }, [])

  useEffect(() => {
    if (userId) load(userId)
  }, [userId, load])

  if (!session || !userId) {
    return <main className="dashboard" aria-busy="true" />
  }

  const run = async (action: () => Promise<void>, failure: string) => {
    setError('')
    try {
      await action()
    } catch (err) {
      setError(errorMessage(err, failure))
    }
  }

  const add = (e: React.FormEvent) => {
    e.preventDefault()
    const text = title.trim()
    if (!text) return
    run(async () => {
      const task = await createTask(userId, text)
      setTasks((ts) => [task, ...(ts ?? [])])
      setTitle('')
    }, 'Could not add the task.')
  }

  const toggle = (task: Task) =>
    run(async () => {
      const updated = await toggleTask(userId, task.id)
      setTasks((ts) => (ts ?? []).map((t) => (t.id === updated.id ? updated : t)))
    }, 'Could not update the task.')

  const remove = (task: Task) =>
    run(async () => {
      await deleteTask(userId, task.id)
      setTasks((ts) => (ts ?? []).filter((t) => t.id !== task.id))
    }, 'Could not delete the task.')

  const logout = async () => {
    await signOut()
    router.push('/login')
  }

  const done = tasks?.filter((t) => t.completed).length ?? 0

  return (
    <main className="dashboard">
      <header className="bar">
        <h1>Tasks</h1>
        <span className="muted" id="user-email">{session.user.email}</span>
        <button type="button" id="sign-out" onClick={logout}>Sign out</button>
      </header>

      <form id="add-task" className="add" onSubmit={add}>
        <label htmlFor="title" className="sr-only">New task</label>
        <input id="title" name="title" placeholder="What needs doing?" maxLength={200}
          value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="primary">Add</button>
      </form>

      {error && <div className="error" role="alert">{error}</div>}

      <p className="muted" id="summary">
        {tasks === null ? 'Loading…' : `${tasks.length} tasks, ${done} done`}
      </p>
      <ul id="tasks" aria-busy={tasks === null}>
        {tasks?.map((task) => (
          <li key={task.id} data-id={task.id} data-title={task.title} className={task.completed ? 'task done' : 'task'}>
            <label>
              <input type="checkbox" className="toggle" checked={task.completed} onChange={() => toggle(task)} />
              <span className="task-title">{task.title}</span>
            </label>
            <button type="button" className="delete" aria-label={`Delete ${task.title}`} onClick={() => remove(task)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {tasks?.length === 0 && <p className="empty">No tasks yet.</p>}
    </main>
  )
}
