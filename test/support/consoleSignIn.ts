import type { FastifyInstance } from 'fastify';

/**
 * Signs in to the console as a browser would (the form's CSRF token, then the API token) and
 * resolves with the `cookie` header that carries the session.
 */
export const consoleCookie = async (app: FastifyInstance, token: string): Promise<string> => {
  const form = await app.inject({ url: '/console/sign-in' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const csrfCookie = form.cookies.find((cookie) => cookie.name === 'payrec_csrf')?.value ?? '';
  const signedIn = await app.inject({
    method: 'POST',
    url: '/console/sign-in',
    headers: {
      cookie: `payrec_csrf=${csrfCookie}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: csrf, token }).toString(),
  });
  if (signedIn.statusCode !== 303) {
    throw new Error(`signing in answered ${signedIn.statusCode}: ${signedIn.body}`);
  }
  const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session')?.value;
  return `payrec_session=${session ?? ''}`;
};
