/**
 * GitHub's limits on a check run's payload: output.title, output.summary and output.text take at
 * most 65,535 characters each; a check run has at most 3 actions, whose label, description and
 * identifier take at most 20, 40 and 20 characters.
 */
export const CHECK_RUN_LIMITS = {
  outputLength: 65_535,
  /** GitHub documents no smaller limit for the title; a title is one line, so we keep it short. */
  titleLength: 255,
  actions: 3,
  actionLabel: 20,
  actionDescription: 40,
  actionIdentifier: 20,
} as const;
