/**
 * The start-up line's words for a provider's webhooks: on (with what is worth knowing), or off
 * and the variable that would switch them on. Never a secret.
 */
export const describeWebhooks = (on: boolean, unsetVariable: string, detail = ''): string =>
  on ? `webhooks on${detail}` : `webhooks off (${unsetVariable} unset)`;

/** The same for its status API: the host it asks and at what rate, or off and why. */
export const describeStatusApi = (
  on: boolean,
  unsetVariable: string,
  { apiUrl, apiRateLimit }: Readonly<{ apiUrl: string; apiRateLimit: number }>,
): string =>
  on
    ? `status API ${new URL(apiUrl).host} at ${apiRateLimit}/s`
    : `status API off (${unsetVariable} unset)`;
