/** One environment variable cloudsync reads, for `--help`, the man page and the README (kept in step by a test). */
export interface EnvVar {
  name: string;
  meaning: string;
}

/** Every environment variable cloudsync reads. */
export const ENVIRONMENT: EnvVar[] = [
  { name: 'CLOUDSYNC_HOME', meaning: 'the home (same as --home); empty counts as unset' },
  { name: 'CLOUDSYNC_PROFILE', meaning: 'the profile (same as --profile)' },
  {
    name: 'CLOUDSYNC_ONPREM_USERNAME, CLOUDSYNC_CLOUD_USERNAME',
    meaning: 'user name for `login` (instead of --username or a prompt)',
  },
  {
    name: 'CLOUDSYNC_ONPREM_PASSWORD, CLOUDSYNC_CLOUD_PASSWORD',
    meaning: 'password for `login` and for renewing an expired ticket; never stored in argv, masked in logs',
  },
  {
    name: 'CLOUDSYNC_ONPREM_TOKEN, CLOUDSYNC_CLOUD_TOKEN',
    meaning: 'a ticket or bearer token instead of a password',
  },
  {
    name: 'XDG_CONFIG_HOME',
    meaning: 'Linux: the default home is $XDG_CONFIG_HOME/cloudsync-nodejs (~/.config when unset or empty)',
  },
  { name: 'NO_COLOR', meaning: 'any non-empty value: no colour (same as --no-color)' },
  { name: 'FORCE_COLOR', meaning: 'colour even when not on a terminal; 0 or false: no colour' },
  { name: 'TERM', meaning: '`dumb`: no colour, no spinner' },
  { name: 'CI', meaning: 'set (not 0/false): never prompt, as with --yes' },
  {
    name: 'PAGER',
    meaning: 'the pager for long listings on a terminal (default `less -FRX`); see --no-pager',
  },
];
