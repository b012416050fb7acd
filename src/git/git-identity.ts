export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_GIT_IDENTITY: GitIdentity = {
  name: 'Quantumwala',
  email: 'quantumwala@users.noreply.github.com',
};

/** Author and committer for commits the orchestrator makes, so no global git identity is needed. */
export function identityEnv(identity: GitIdentity = DEFAULT_GIT_IDENTITY): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}
