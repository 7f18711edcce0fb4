// Package httpsec holds Latch's HTTP security layer, modelled on Better
// Auth 1.7.25:
//
//   - Origins: the trusted-origin set (base URL origin plus configured
//     entries, with wildcards and custom schemes) and SafeRedirect for
//     callbackURL-style parameters;
//   - OriginCheck: Better Auth's origin/CSRF middleware for /api/auth
//     (cookie-bearing mutations need a trusted Origin or Referer; the email
//     sign-in and sign-up routes also use Fetch Metadata);
//   - CORS: credentialed CORS for trusted origins only;
//   - ClientIP: the client address from a configured proxy header or the
//     connection, normalised as Better Auth does for rate-limit keys and
//     session rows;
//   - AuthRateLimit: Better Auth's default rate-limit rules over a
//     latch.RateLimiter.
//
// Suggested order for /api/auth: CORS (outermost, answers preflights),
// then AuthRateLimit (Better Auth counts every request before routing,
// including rejected ones), then OriginCheck, then the handler.
package httpsec
