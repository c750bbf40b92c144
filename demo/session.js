// Who is signed in on this tab, where the gateways are, and where access tokens come from.

const USER_KEY = 'sb-demo.user';
const PASTED_TOKEN_KEY = 'sb-demo.token';
/** A cached token is used until this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;

/** `?gateways=ws://a/v1,ws://b/v1` when given; otherwise the gateway that served this page. */
export function gatewayUrls(location) {
  const listed = new URLSearchParams(location.search).get('gateways');
  if (listed) return listed.split(',').map((url) => url.trim()).filter(Boolean);
  return [`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1`];
}

/** The claims of a JWT, read without verifying it (the gateway verifies). */
export function tokenClaims(token) {
  const payload = token.split('.')[1] ?? '';
  try {
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new Error('that is not a JWT');
  }
}

/**
 * Tokens for one user: a pasted one, or development tokens from this gateway's /dev/token
 * (served only when the gateway runs with GATEWAY_DEV_TOKENS=1). A token is reused until shortly
 * before it expires, so that reconnecting while the page's own gateway is down needs no request.
 */
export function createTokenSource({ userId, pasted }) {
  let cached = pasted ? { token: pasted, expiresAt: (tokenClaims(pasted).exp ?? Infinity) * 1000 } : undefined;

  async function fetchDevToken() {
    const response = await fetch(`/dev/token?user=${encodeURIComponent(userId)}`, { cache: 'no-store' });
    if (response.status === 404) {
      throw new Error('this gateway hands out no development tokens (start it with GATEWAY_DEV_TOKENS=1), so paste a token instead');
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.message ?? `the token request failed (${response.status})`);
    return body;
  }

  return {
    async current() {
      if (cached && cached.expiresAt - Date.now() > TOKEN_MARGIN_MS) return cached.token;
      if (pasted) throw new Error('the pasted token has expired; sign in with a new one');
      try {
        cached = await fetchDevToken();
      } catch (err) {
        if (cached && cached.expiresAt > Date.now()) return cached.token;
        throw err;
      }
      return cached.token;
    },
  };
}

/** The signed-in user of this tab survives a reload (sessionStorage), not the closing of the tab. */
export const rememberedSession = {
  load(storage) {
    const userId = storage.getItem(USER_KEY);
    return userId ? { userId, pasted: storage.getItem(PASTED_TOKEN_KEY) ?? undefined } : undefined;
  },
  save(storage, { userId, pasted }) {
    storage.setItem(USER_KEY, userId);
    if (pasted) storage.setItem(PASTED_TOKEN_KEY, pasted);
    else storage.removeItem(PASTED_TOKEN_KEY);
  },
  forget(storage) {
    storage.removeItem(USER_KEY);
    storage.removeItem(PASTED_TOKEN_KEY);
  },
};
