import { useEffect, useState } from 'preact/hooks';

/** The dashboard's views, in the order of the navigation. */
export const ROUTES = [
  { path: 'overview', title: 'Overview' },
  { path: 'trading', title: 'Trading' },
  { path: 'risk', title: 'Risk & compliance' },
  { path: 'performance', title: 'Performance' },
  { path: 'system', title: 'System' },
] as const;
export type RoutePath = (typeof ROUTES)[number]['path'];

/** The view named by the URL's hash (`#/overview`), so each view has its own address. */
export function currentRoute(): string {
  const path = location.hash.replace(/^#\/?/, '');
  return path === '' ? 'overview' : path;
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = (): void => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
