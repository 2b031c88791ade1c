import type { APIRoute } from 'astro';

/** `/` sends the visitor to their language, which the middleware negotiated (saved choice, Accept-Language, default). */
export const GET: APIRoute = ({ locals }) =>
  new Response(null, {
    status: 302,
    headers: { Location: `/${locals.locale}/`, Vary: 'Accept-Language, Cookie', 'Cache-Control': 'private, no-store' },
  });
