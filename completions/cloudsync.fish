# fish completion for cloudsync; generated from the program by `cloudsync completion fish`. Do not edit.
# Install: copy to ~/.config/fish/completions/cloudsync.fish

# Sync-set ids of the profile on the command line; prints nothing (and no errors) when that fails.
function __cloudsync_ids
    set -l toks (commandline -opc)
    set -l args
    for i in (seq 2 (math (count $toks) - 1))
        switch $toks[$i]
            case --home --profile
                set -a args $toks[$i] $toks[(math $i + 1)]
        end
    end
    command -q cloudsync; or return 0
    cloudsync $args list --json 2>/dev/null </dev/null | string match -r -a -g '"id":"([^"]*)"'
end

# Paths on one side's connection that start with the token being completed (cloudsync complete-path).
function __cloudsync_paths
    set -l toks (commandline -opc)
    set -l args
    for i in (seq 2 (math (count $toks) - 1))
        switch $toks[$i]
            case --home --profile
                set -a args $toks[$i] $toks[(math $i + 1)]
        end
    end
    command -q cloudsync; or return 0
    cloudsync $args complete-path $argv[1] (commandline -ct) 2>/dev/null </dev/null
end

# True when the word being completed is positional argument $argv[1] (0-based) of the subcommand
# ($argv[2]: eq, or ge for a repeating last argument).
function __cloudsync_arg
    set -l toks (commandline -opc)
    set -l pos -1
    set -l skip 0
    for t in $toks[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --ca-file --client-id --conflict --events --exclude --file --format --full-crawl-every --home --log-file --max-delete --name --network --oidc-issuer --profile --proxy --pull-interval --push-interval --remove-exclude --rescan-interval --retry-after-max --retry-budget --shard --target --timeout --transfers --username -f
                set skip 1
            case '-*'
            case '*'
                set pos (math $pos + 1)
        end
    end
    test $pos -$argv[2] $argv[1]
end

complete -c cloudsync -f
complete -c cloudsync -l version -s V -d 'print the version (as `cloudsync version`; with --json too)'
complete -c cloudsync -l home -x -a '(__fish_complete_directories)' -d 'where config, credentials and state live'
complete -c cloudsync -l profile -x -d 'which profile (pair of connections)'
complete -c cloudsync -l json -d 'machine-readable output on stdout (errors too)'
complete -c cloudsync -l quiet -s q -d 'print less on stderr'
complete -c cloudsync -l verbose -s v -d 'print more on stderr'
complete -c cloudsync -l no-color -d 'no ANSI colours (also NO_COLOR)'
complete -c cloudsync -l yes -s y -d 'never prompt (implied when stdin is not a terminal, or CI is set)'
complete -c cloudsync -l log-file -r -F -d 'keep the log here instead of <home>/logs/cloudsync.log'
complete -c cloudsync -l no-log-file -d 'keep no log file for this run'
complete -c cloudsync -l no-pager -d 'never send long listings (inspect, list) through $PAGER'
complete -c cloudsync -l help -s h -d 'show help'
complete -c cloudsync -n __fish_use_subcommand -a 'login' -d 'connect a side to a local folder or an Alfresco server'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l username -x -d 'user name (or env CLOUDSYNC_<SIDE>_USERNAME)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l password-stdin -d 'read the password from stdin'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l token-stdin -d 'read an access token from stdin instead of a password'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l network -x -d 'tenant/network id (default -default-)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l ca-file -r -F -d 'extra CA certificates to trust (PEM)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l allow-http -d 'permit plain http:// (and stomp://) to a non-loopback host'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l proxy -x -d 'outbound HTTP proxy (default: HTTPS_PROXY/HTTP_PROXY; NO_PROXY applies)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l events -x -d 'repository events: stomp://host:61613 or stomp+ssl://host:61614'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l full-crawl-every -x -d 'with --events, still list everything this often (default 1d)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l retry-after-max -x -d 'longest Retry-After obeyed (default 120s)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l retry-budget -x -d 'all retry waits of one request together (default 300s)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l oidc-issuer -x -d 'log in at this Identity Service (OpenID Connect issuer) instead of tickets'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l client-id -x -d 'OAuth client id at the issuer (default alfresco)'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l client-credentials -d 'log in as the client itself (service account) instead of a user'
complete -c cloudsync -n '__fish_seen_subcommand_from login' -l client-secret-stdin -d 'read the client secret from stdin (or env CLOUDSYNC_<SIDE>_CLIENT_SECRET)'
complete -c cloudsync -n '__fish_seen_subcommand_from login; and __cloudsync_arg 0 eq' -x -a 'onprem cloud'
complete -c cloudsync -n '__fish_seen_subcommand_from login; and __cloudsync_arg 1 eq' -x -a '(__fish_complete_directories)'
complete -c cloudsync -n __fish_use_subcommand -a 'logout' -d 'forget a side\'s connection and credentials (ends the server session)'
complete -c cloudsync -n '__fish_seen_subcommand_from logout; and __cloudsync_arg 0 eq' -x -a 'onprem cloud'
complete -c cloudsync -n __fish_use_subcommand -a 'whoami' -d 'show each side: connection, user, and whether it can be reached'
complete -c cloudsync -n '__fish_seen_subcommand_from whoami; and __cloudsync_arg 0 eq' -x -a 'onprem cloud'
complete -c cloudsync -n __fish_use_subcommand -a 'setup' -d 'interactive wizard: connect both sides, create a first sync set, run the first pass'
complete -c cloudsync -n __fish_use_subcommand -a 'create' -d 'create a sync set: one folder, or one or more documents, synced into a cloud folder'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l target -x -a '(__cloudsync_paths cloud)' -d 'cloud folder the set is created in'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l mkdir -d 'create the target folder when it does not exist'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l no-sync -d 'only record the set; the first pass runs with `cloudsync sync`'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l name -x -d 'a label for the set (default: the folder or first document name)'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l take-over -d 'claim the set when another installation syncs one of that name there'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l lock-onprem -d 'lock the on-prem copies while they are synced'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l no-delete-on-cloud -d 'keep the cloud copy when a member is deleted on-prem'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l delete-onprem -d 'delete the on-prem node when its cloud copy is deleted'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l no-subfolders -d 'folder sets: sync only the files directly in the folder'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l conflict -x -a 'cloud-wins onprem-wins newer-wins keep-both' -d 'who wins when both sides changed'
complete -c cloudsync -n '__fish_seen_subcommand_from create' -l exclude -x -d 'skip matching paths (repeatable; added to the default excludes)'
complete -c cloudsync -n '__fish_seen_subcommand_from create; and __cloudsync_arg 0 ge' -x -a '(__cloudsync_paths onprem)'
complete -c cloudsync -n __fish_use_subcommand -a 'list' -d 'list the sync sets of the profile with their status'
complete -c cloudsync -n '__fish_seen_subcommand_from list ls' -l errors -d 'only sets with failed members ("Synced with Errors")'
complete -c cloudsync -n __fish_use_subcommand -a 'inspect' -d 'show a sync set: definition, options, every member with its status and what failures mean'
complete -c cloudsync -n '__fish_seen_subcommand_from inspect; and __cloudsync_arg 0 eq' -x -a '(__cloudsync_ids)'
complete -c cloudsync -n __fish_use_subcommand -a 'request-sync' -d 'clear members\' failures and push them again in full at the next pass'
complete -c cloudsync -n '__fish_seen_subcommand_from request-sync; and __cloudsync_arg 0 eq' -x -a '(__cloudsync_ids)'
complete -c cloudsync -n '__fish_seen_subcommand_from request-sync; and __cloudsync_arg 1 ge' -F
complete -c cloudsync -n __fish_use_subcommand -a 'unsync' -d 'stop syncing a set, or one direct member of a documents set'
complete -c cloudsync -n '__fish_seen_subcommand_from unsync' -l remove-from-cloud -d 'also delete the cloud copies (on a terminal: shows what and asks)'
complete -c cloudsync -n '__fish_seen_subcommand_from unsync' -l dry-run -d 'show what would be unsynced and deleted; change nothing'
complete -c cloudsync -n '__fish_seen_subcommand_from unsync; and __cloudsync_arg 0 eq' -x -a '(__cloudsync_ids)'
complete -c cloudsync -n '__fish_seen_subcommand_from unsync; and __cloudsync_arg 1 eq' -F
complete -c cloudsync -n __fish_use_subcommand -a 'sync' -d 'run one pass: push on-prem changes, pull cloud changes'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l dry-run -d 'print the plan and change nothing (not even state)'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l force -d 'run even when more than --max-delete percent of a set would be deleted'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l max-delete -x -d 'abort a set that would lose more than this percent of members (default 50)'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l transfers -x -d 'files transferred at once (default 4)'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l shard -x -d 'only the sets of shard i of n (i from 0): sha256 of the set id, modulo n'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l resync -d 'rebuild the pairing from both sides (lost state): equal files pair, different ones are conflicts; deletes made meanwhile come back'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l take-over -d 'claim sets another installation (or a copy of this home) syncs; see the README'
complete -c cloudsync -n '__fish_seen_subcommand_from sync' -l timeout -x -d 'stop the pass cleanly after this many seconds (exit 7); what it did is kept'
complete -c cloudsync -n '__fish_seen_subcommand_from sync; and __cloudsync_arg 0 ge' -x -a '(__cloudsync_ids)'
complete -c cloudsync -n __fish_use_subcommand -a 'watch' -d 'keep syncing: a pass at start, then on intervals and on file changes, until Ctrl-C'
complete -c cloudsync -n '__fish_seen_subcommand_from watch' -l push-interval -x -d 'seconds between looks at on-prem changes'
complete -c cloudsync -n '__fish_seen_subcommand_from watch' -l pull-interval -x -d 'seconds between looks at cloud changes'
complete -c cloudsync -n '__fish_seen_subcommand_from watch' -l rescan-interval -x -d 'seconds between full rescans of sides that report their changes (a safety net)'
complete -c cloudsync -n '__fish_seen_subcommand_from watch' -l timeout -x -d 'stop a pass that runs longer than this many seconds (retried later)'
complete -c cloudsync -n '__fish_seen_subcommand_from watch; and __cloudsync_arg 0 ge' -x -a '(__cloudsync_ids)'
complete -c cloudsync -n __fish_use_subcommand -a 'apply' -d 'make the profile\'s sets what a sets file (YAML or JSON) declares; idempotent'
complete -c cloudsync -n '__fish_seen_subcommand_from apply' -l file -s f -r -F -d 'the sets file (YAML or JSON; - for stdin)'
complete -c cloudsync -n '__fish_seen_subcommand_from apply' -l prune -d 'unsync sets that are in state but not in the file (cloud copies are kept)'
complete -c cloudsync -n '__fish_seen_subcommand_from apply' -l dry-run -d 'print what would change and change nothing'
complete -c cloudsync -n '__fish_seen_subcommand_from apply' -l no-sync -d 'only record new sets; the first pass runs with `cloudsync sync`'
complete -c cloudsync -n '__fish_seen_subcommand_from apply' -l take-over -d 'claim new sets that another installation syncs (see `sync --take-over`)'
complete -c cloudsync -n __fish_use_subcommand -a 'export' -d 'print the profile (connections without secrets, sets and their options) as a sets file'
complete -c cloudsync -n '__fish_seen_subcommand_from export' -l format -x -a 'yaml json' -d 'yaml or json'
complete -c cloudsync -n __fish_use_subcommand -a 'state' -d 'portable sync state: back up, restore, keep between CI runs'
complete -c cloudsync -n __fish_use_subcommand -a 'completion' -d 'print the shell completion script (also shipped in completions/)'
complete -c cloudsync -n '__fish_seen_subcommand_from completion; and __cloudsync_arg 0 eq' -x -a 'bash zsh fish'
complete -c cloudsync -n __fish_use_subcommand -a 'status' -d 'one screen: both connections, every set with its last pass and failures, where files live'
complete -c cloudsync -n __fish_use_subcommand -a 'version' -d 'print the version, commit, Node version, platform and the home in use'
complete -c cloudsync -n __fish_use_subcommand -a 'profiles' -d 'list the profiles of this home with their connections (* marks the one in use)'
complete -c cloudsync -n __fish_use_subcommand -a 'set' -d 'change a sync set\'s options after creation (the flags of `create`)'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l name -x -d 'rename the set (its label; nothing on either side is renamed)'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l lock-onprem -d 'lock the on-prem copies while they are synced'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l no-lock-onprem -d 'stop locking new on-prem copies'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l delete-on-cloud -d 'delete the cloud copy when a member is deleted on-prem'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l no-delete-on-cloud -d 'keep the cloud copy when a member is deleted on-prem'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l delete-onprem -d 'delete the on-prem node when its cloud copy is deleted'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l no-delete-onprem -d 'keep the on-prem node when its cloud copy is deleted'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l subfolders -d 'folder sets: sync the subfolders too'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l no-subfolders -d 'folder sets: sync only the files directly in the folder'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l conflict -x -a 'cloud-wins onprem-wins newer-wins keep-both' -d 'who wins when both sides changed'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l exclude -x -d 'add excludes (repeatable)'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l remove-exclude -x -d 'remove excludes added earlier'
complete -c cloudsync -n '__fish_seen_subcommand_from set' -l clear-excludes -d 'remove every added exclude (the defaults stay)'
complete -c cloudsync -n '__fish_seen_subcommand_from set; and __cloudsync_arg 0 eq' -x -a '(__cloudsync_ids)'
