# bash completion for cloudsync; generated from the program by `cloudsync completion bash`. Do not edit.
# Install: source this file from ~/.bashrc, or copy it to /etc/bash_completion.d/cloudsync.

# Runs cloudsync with the --home/--profile of the command line; prints nothing (and no errors) when that
# fails or is slow.
_cloudsync_run() {
  local -a args=()
  local i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case "${COMP_WORDS[i]}" in
      --home | --profile) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
    esac
  done
  command -v cloudsync >/dev/null 2>&1 || return 0
  local -a t=()
  command -v timeout >/dev/null 2>&1 && t=(timeout 3)
  "${t[@]}" cloudsync "${args[@]}" "$@" 2>/dev/null </dev/null
}

# Sync-set ids of the profile on the command line.
_cloudsync_ids() {
  _cloudsync_run list --json | grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# Paths on one side's connection that start with the word being completed (cloudsync complete-path).
_cloudsync_paths() {
  _cloudsync_run complete-path "$1" "$2"
}

_cloudsync() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" w i
  local -i pos=0
  ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD - 1]}"
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    case "$w" in
      --ca-file|--client-id|--conflict|--events|--exclude|--file|--format|--full-crawl-every|--home|--log-file|--max-delete|--name|--network|--oidc-issuer|--profile|--proxy|--pull-interval|--push-interval|--remove-exclude|--rescan-interval|--retry-after-max|--retry-budget|--shard|--target|--timeout|--transfers|--username|-f) ((i++)) ;;
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd="$w"; else pos+=1; fi ;;
    esac
  done
  case "$prev" in
    --ca-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --client-id) :; return ;;
    --conflict) COMPREPLY=($(compgen -W "cloud-wins onprem-wins newer-wins keep-both" -- "$cur")); return ;;
    --events) :; return ;;
    --exclude) :; return ;;
    --file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "yaml json" -- "$cur")); return ;;
    --full-crawl-every) :; return ;;
    --home) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --log-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --max-delete) :; return ;;
    --name) :; return ;;
    --network) :; return ;;
    --oidc-issuer) :; return ;;
    --profile) :; return ;;
    --proxy) :; return ;;
    --pull-interval) :; return ;;
    --push-interval) :; return ;;
    --remove-exclude) :; return ;;
    --rescan-interval) :; return ;;
    --retry-after-max) :; return ;;
    --retry-budget) :; return ;;
    --shard) :; return ;;
    --target) mapfile -t COMPREPLY < <(_cloudsync_paths cloud "$cur"); [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null; return ;;
    --timeout) :; return ;;
    --transfers) :; return ;;
    --username) :; return ;;
    -f) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "login logout whoami setup create list ls inspect request-sync unsync sync watch apply export state completion status version profiles set" -- "$cur"))
    fi
    return
  fi
  case "$cmd" in
    login)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--username --password-stdin --token-stdin --network --ca-file --allow-http --proxy --events --full-crawl-every --retry-after-max --retry-budget --oidc-issuer --client-id --client-credentials --client-secret-stdin --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "onprem cloud" -- "$cur")) ;;
        1) COMPREPLY=($(compgen -d -- "$cur")) ;;
      esac
      ;;
    logout)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "onprem cloud" -- "$cur")) ;;
      esac
      ;;
    whoami)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "onprem cloud" -- "$cur")) ;;
      esac
      ;;
    setup)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    create)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--target --mkdir --no-sync --name --take-over --lock-onprem --no-delete-on-cloud --delete-onprem --no-subfolders --conflict --exclude --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        *) mapfile -t COMPREPLY < <(_cloudsync_paths onprem "$cur"); [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null ;;
      esac
      ;;
    list|ls)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--errors --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    inspect)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
      esac
      ;;
    request-sync)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
      esac
      ;;
    unsync)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--remove-from-cloud --dry-run --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
        1) COMPREPLY=($(compgen -f -- "$cur")) ;;
      esac
      ;;
    sync)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--dry-run --force --max-delete --transfers --shard --resync --take-over --timeout --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        *) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
      esac
      ;;
    watch)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--push-interval --pull-interval --rescan-interval --timeout --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        *) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
      esac
      ;;
    apply)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--file -f --prune --dry-run --no-sync --take-over --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    export)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--format --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    state)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    completion)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
      esac
      ;;
    status)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    version)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    profiles)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      ;;
    set)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--name --lock-onprem --no-lock-onprem --delete-on-cloud --no-delete-on-cloud --delete-onprem --no-delete-onprem --subfolders --no-subfolders --conflict --exclude --remove-exclude --clear-excludes --version -V --home --profile --json --quiet -q --verbose -v --no-color --yes -y --log-file --no-log-file --no-pager --help -h" -- "$cur")); return; fi
      case $pos in
        0) COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur")) ;;
      esac
      ;;
  esac
}

complete -o filenames -F _cloudsync cloudsync
