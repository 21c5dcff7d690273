import { type Claims, claims, displayName, rolesOf, signIn, signOut } from './auth.ts';
import { byId, h } from './dom.ts';

// What every signed-in staff page does first: make sure someone is signed in, say who, wire the
// sign-out button, and link the pages this user's roles can use.

const PAGES = [
  { path: '/coordinator/', label: 'Dashboard', roles: ['lead', 'coordinator'] },
  { path: '/researcher/', label: 'Releases', roles: ['lead', 'researcher', 'analyst'] },
  { path: '/audit/', label: 'Audit log', roles: ['lead'] },
];

/** The signed-in user and their roles; sends the user to /signin (never resolving) when no one is. */
export async function startStaffPage(): Promise<{ user: Claims; roles: string[] }> {
  const user = claims();
  if (!user) return signIn();
  const roles = rolesOf(user);
  byId('who').textContent = `Signed in as ${displayName(user)}`;
  byId('signout').addEventListener('click', signOut);
  const links = PAGES.filter((page) => page.roles.some((role) => roles.includes(role)));
  if (links.length > 1) {
    byId('pages').replaceChildren(
      h(
        'ul',
        {},
        links.map((page) =>
          h('li', {}, [
            h('a', {
              href: page.path,
              text: page.label,
              'aria-current': location.pathname === page.path ? 'page' : null,
            }),
          ]),
        ),
      ),
    );
  }
  return { user, roles };
}
