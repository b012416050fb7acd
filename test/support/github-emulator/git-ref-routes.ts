/** Git references: GET ref, matching-refs, POST/PATCH/DELETE refs — compare-and-swap on the bare repo. */
import { notFound, unprocessable } from './api-error.js';
import { ZERO_SHA } from './bare-repo.js';
import { str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { gitRefJson } from './git-shapes.js';

const R = '/repos/{owner}/{repo}/git';

async function refJson(core: EmulatorCore, fullRef: string): Promise<ReturnType<typeof gitRefJson> | null> {
  const found = await core.git.readRef(fullRef);
  return found ? gitRefJson(core, fullRef, found.sha, found.type) : null;
}

/**
 * Moves `fullRef` to `sha` the way PATCH /git/refs does: unless `force`, only as a fast forward;
 * always by compare-and-swap (`git update-ref <ref> <new> <old>`), retried when a concurrent
 * writer moved the ref between the check and the swap.
 */
export async function moveRef(
  core: EmulatorCore,
  fullRef: string,
  sha: string,
  force: boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await core.git.readRef(fullRef);
    if (!current) throw unprocessable('Reference does not exist');
    if (!force && !(await core.git.isAncestor(current.sha, sha))) {
      throw unprocessable('Update is not a fast forward');
    }
    if (await core.git.updateRef(fullRef, sha, current.sha)) return;
  }
  throw unprocessable('Reference cannot be updated');
}

export const gitRefRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: `${R}/ref/{ref}`,
    handler: async ({ core, params }) => {
      const body = await refJson(core, `refs/${params.ref}`);
      if (!body) throw notFound();
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    template: `${R}/matching-refs/{ref}`,
    handler: async ({ core, params }) => {
      const refs = await core.git.listRefs(`refs/${params.ref ?? ''}`);
      return { status: 200, body: refs.map((r) => gitRefJson(core, r.ref, r.sha, r.type)) };
    },
  },
  {
    method: 'POST',
    template: `${R}/refs`,
    handler: async ({ core, body }) => {
      const ref = str(body.ref) ?? '';
      const sha = str(body.sha) ?? '';
      if (!/^refs\/[^/]+\/.+/.test(ref)) {
        throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
      }
      if ((await core.git.objectType(sha)) === null || sha.length !== 40) {
        throw unprocessable('Object does not exist');
      }
      if (!(await core.git.updateRef(ref, sha, ZERO_SHA))) {
        if (await core.git.readRef(ref)) throw unprocessable('Reference already exists');
        throw unprocessable(`${ref} is not a valid ref name.`);
      }
      const created = await refJson(core, ref);
      return { status: 201, body: created, headers: { location: String(created?.url) } };
    },
  },
  {
    method: 'PATCH',
    template: `${R}/refs/{ref}`,
    handler: async ({ core, params, body }) => {
      const fullRef = `refs/${params.ref}`;
      const sha = str(body.sha) ?? '';
      if (sha.length !== 40 || (await core.git.objectType(sha)) === null) {
        throw unprocessable('Object does not exist');
      }
      await moveRef(core, fullRef, sha, body.force === true);
      return { status: 200, body: await refJson(core, fullRef) };
    },
  },
  {
    method: 'DELETE',
    template: `${R}/refs/{ref}`,
    handler: async ({ core, params }) => {
      const fullRef = `refs/${params.ref}`;
      const current = await core.git.readRef(fullRef);
      if (!current || !(await core.git.deleteRef(fullRef, current.sha))) {
        throw unprocessable('Reference does not exist');
      }
      return { status: 204 };
    },
  },
];
