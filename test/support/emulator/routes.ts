// The emulator's route table. Every path is spelled as in the official Swagger files; a conformance
// test checks each (method, path) against them so the emulator cannot invent endpoints.
import type { Route } from './context.js';
import { authRoutes } from './handlers-auth.js';
import { checkoutRoutes } from './handlers-checkout.js';
import { childrenRoutes } from './handlers-children.js';
import { contentRoutes } from './handlers-content.js';
import { nodeRoutes } from './handlers-nodes.js';
import { siteRoutes } from './handlers-sites.js';
import { trashRoutes } from './handlers-trash.js';

/** All implemented routes. */
export const ROUTES: readonly Route[] = [
  ...authRoutes,
  ...siteRoutes,
  ...nodeRoutes,
  ...checkoutRoutes,
  ...childrenRoutes,
  ...contentRoutes,
  ...trashRoutes,
];

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

const compiled: Compiled[] = ROUTES.map((route) => {
  const names: string[] = [];
  const re = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, re: new RegExp(`^${re}$`), names };
});

/** Result of matching a request: the route, or whether the path exists for other methods (405). */
export type Match =
  { route: Route; params: Record<string, string> } | { route: undefined; pathKnown: boolean };

/** Matches an API-relative path; literal routes win over parameterised ones (e.g. /tickets/-me-). */
export function match(api: 'core' | 'auth', method: string, path: string): Match {
  let pathKnown = false;
  const hits = compiled
    .filter((c) => c.route.api === api && c.re.test(path))
    .sort((a, b) => a.names.length - b.names.length);
  for (const c of hits) {
    pathKnown = true;
    if (c.route.method !== method) continue;
    const m = c.re.exec(path)!;
    const params: Record<string, string> = {};
    c.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]!);
    });
    return { route: c.route, params };
  }
  return { route: undefined, pathKnown };
}
