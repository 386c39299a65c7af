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
    name: 'CLOUDSYNC_ONPREM_CLIENT_SECRET, CLOUDSYNC_CLOUD_CLIENT_SECRET',
    meaning: "Identity Service: a confidential client's secret (instead of --client-secret-stdin)",
  },
  {
    name: 'CLOUDSYNC_ONPREM_BROKER_USERNAME, CLOUDSYNC_CLOUD_BROKER_USERNAME',
    meaning: "repository events: the message broker's user name (never stored)",
  },
  {
    name: 'CLOUDSYNC_ONPREM_BROKER_PASSWORD, CLOUDSYNC_CLOUD_BROKER_PASSWORD',
    meaning: "repository events: the message broker's password (never stored)",
  },
  {
    name: 'CLOUDSYNC_MAX_RESPONSE_MB',
    meaning: 'largest JSON answer read from an Alfresco server, in MiB (default 16)',
  },
  {
    name: 'CLOUDSYNC_REQUEST_TIMEOUT',
    meaning: 'total time of one JSON request to an Alfresco server, in seconds (default 120)',
  },
  {
    name: 'CLOUDSYNC_MIN_RATE, CLOUDSYNC_RATE_WINDOW',
    meaning: 'slowest download rate accepted (bytes/s, default 1024) over this window (s, default 30)',
  },
  {
    name: 'HTTPS_PROXY, HTTP_PROXY, ALL_PROXY',
    meaning: 'outbound proxy for Alfresco servers unless `login --proxy` (lower-case names too)',
  },
  { name: 'NO_PROXY', meaning: 'hosts reached without a proxy; always wins, as in curl' },
  {
    name: 'NODE_EXTRA_CA_CERTS',
    meaning: 'extra CA certificates (PEM) Node trusts besides its own (see also `login --ca-file`)',
  },
  {
    name: 'XDG_CONFIG_HOME',
    meaning:
      'Linux: the default home is $XDG_CONFIG_HOME/cloudsync-nodejs (~/.config when unset, empty or relative)',
  },
  { name: 'NO_COLOR', meaning: 'any non-empty value: no colour (same as --no-color)' },
  { name: 'FORCE_COLOR', meaning: 'colour even when not on a terminal; 0 or false: no colour' },
  { name: 'TERM', meaning: '`dumb`: no colour, no spinner or progress line, no pager' },
  { name: 'CI', meaning: 'set (not 0/false): never prompt, as with --yes' },
  {
    name: 'PAGER',
    meaning: 'the pager for long listings on a terminal (default `less -FRX`); see --no-pager',
  },
  { name: 'TMPDIR', meaning: 'where uploads to Alfresco are spooled when their size must be known first' },
  {
    name: 'CLOUDSYNC_RAW_LSTAT',
    meaning: "`off`: a local walk lstat-s through fs.lstatSync, not Node's fs binding (see Performance)",
  },
  {
    name: 'CLOUDSYNC_WATCH_WARMUP',
    meaning: '`off`: watch skips its warm-up on a scratch pair after the start-up pass (see Performance)',
  },
  {
    name: 'NODE_OPTIONS',
    meaning: "Node's options; with --pending-deprecation or the permission model a walk uses fs.lstatSync",
  },
];
