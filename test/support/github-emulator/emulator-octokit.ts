/** Test helpers: an Octokit client aimed at an emulator, and the status/message of a failed call. */
import { Octokit } from '@octokit/rest';
import type { GitHubEmulator } from './types.js';

const silent = { debug: (): void => {}, info: (): void => {}, warn: (): void => {}, error: (): void => {} };

export function emulatorOctokit(emu: GitHubEmulator, token?: string): Octokit {
  return new Octokit({ ...(token === undefined ? {} : { auth: token }), baseUrl: emu.url, log: silent });
}

/** The HTTP status and GitHub's message of a call that is expected to fail. */
export async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; response?: { data?: { message?: string } } };
    if (typeof e.status !== 'number') throw error;
    return { status: e.status, message: e.response?.data?.message ?? '' };
  }
  throw new Error('expected the call to fail');
}
