/** The config file at the repository root, and the label errors name it by. */
export const CONFIG_FILE = '.quantumwala.yml';

/** Where the GitHub App reads the config file from (it stands in for CONFIG_FILE there). */
export const GITHUB_CONFIG_FILE = '.github/quantumwala.yml';

/** Claude Code's own settings file; only the sections and keys this product knows are read from it. */
export const SETTINGS_FILE = '.claude/settings.local.json';
