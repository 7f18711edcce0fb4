import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // A CI build runs once on a clean checkout: writing Turbopack's cache
    // for a next build that never comes only costs time there.
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
}

export default nextConfig
