// Verifies the JWT in $TOKEN with jose's jwtVerify and the HS256 secret in
// $SECRET (plus audience $AUD when set), the way a Node service of the
// original design would, and prints the payload as JSON, or
// {"error": <jose error code>} when jose rejects it. Run by
// cmd/latch/designtoken_test.go.
import { jwtVerify } from "jose";

const opts = { algorithms: ["HS256"] };
if (process.env.AUD) opts.audience = process.env.AUD;
try {
  const { payload } = await jwtVerify(process.env.TOKEN, new TextEncoder().encode(process.env.SECRET), opts);
  console.log(JSON.stringify(payload));
} catch (e) {
  console.log(JSON.stringify({ error: e.code || e.name }));
}
