function __hrec_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hrec_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __hrec_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hrec_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __hrec_parse_tokens -S
    set -l unparsed_tokens (__hrec_tokens -pc)
    switch $unparsed_tokens[1]
    case 'hrec'
        __hrec_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __hrec_parse_subcommand -r 1 'journal=' 'no-input' 'password-prompt=' 'q/quiet' 'unconfined' 'signing-key=' 'stall-timeout=' 'gate-config=' 'policy=' 'identity-token=' 'dev-identity' 'upstream=' 'project=' 'no-gate' 'collector=' 'delivery=' 'sync-window=' 'sync-timeout=' 'collector-key=' 'version' 'h/help'
        case 'deliver'
            __hrec_parse_subcommand -r 1 'collector=' 'identity-token=' 'dev-identity' 'collector-key=' 'timeout=' 'version' 'h/help'
        case 'play'
            __hrec_parse_subcommand 1 'screen' 'stdout' 'follow' 'at=' 'speed=' 'idle-limit=' 'no-wait' 'paused' 'force' 'trust=+' 'any-signer' 'version' 'h/help'
        case 'gate'
            __hrec_parse_subcommand 0 'config=' 'listen=' 'journals=' 'idle-close=' 'header-timeout=' 'body-timeout=' 'connections-per-address=' 'collector=' 'collector-token=' 'collector-key=' 'version' 'h/help'
        case 'collect'
            __hrec_parse_subcommand 0 'config=' 'listen=' 'dev-identity' 'print-public-key' 'version' 'h/help'
        case 'verify'
            __hrec_parse_subcommand -r 1 'trust=+' 'any-signer' 'json' 'collector=' 'identity-token=' 'version' 'h/help'
        case 'cat'
            __hrec_parse_subcommand 1 'response=' 'version' 'h/help'
        case 'info'
            __hrec_parse_subcommand 1 'trust=+' 'any-signer' 'json' 'version' 'h/help'
        case 'ls'
            __hrec_parse_subcommand -r 1 'index=' 'user=' 'since=' 'until=' 'command=' 'table=' 'decision=' 'masked' 'net-denied' 'unconfined' 'exit=' 'json' 'collector=' 'identity-token=' 'version' 'h/help'
        case 'search'
            __hrec_parse_subcommand -r 2 'in=' 'index=' 'user=' 'since=' 'until=' 'command=' 'table=' 'decision=' 'masked' 'net-denied' 'unconfined' 'exit=' 'json' 'collector=' 'identity-token=' 'version' 'h/help'
        case 'export'
            __hrec_parse_subcommand 1 'format=' 'o/output=' 'version' 'h/help'
        case 'evidence'
            __hrec_parse_subcommand -r 1 'since=' 'until=' 'out=' 'trust=+' 'collector=' 'identity-token=' 'version' 'h/help'
        case 'policy'
            __hrec_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __hrec_parse_subcommand 1 'version' 'h/help'
            case 'explain'
                __hrec_parse_subcommand 1 'sql=' 'as=' 'groups=' 'default-project=' 'default-dataset=' 'estimated-bytes=' 'schema=+' 'version' 'h/help'
            end
        case 'approvals'
            __hrec_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __hrec_parse_subcommand 0 'gate=' 'identity-token=' 'json' 'version' 'h/help'
            case 'show'
                __hrec_parse_subcommand 1 'gate=' 'identity-token=' 'version' 'h/help'
            end
        case 'approve'
            __hrec_parse_subcommand 1 'gate=' 'identity-token=' 'reason=' 'version' 'h/help'
        case 'deny'
            __hrec_parse_subcommand 1 'gate=' 'identity-token=' 'reason=' 'version' 'h/help'
        case 'help'
            __hrec_parse_subcommand -r 1 'version'
        end
    end
end

function __hrec_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __hrec_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __hrec_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __hrec_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__hrec_tokens -p)
    if test -z "$(__hrec_tokens -t)"
        set -l index (count (__hrec_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'hrec' -f
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'run' -d 'Run a command (an AI agent, a shell) on a pty and record the whole session.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'deliver' -d 'Send journals, or what is left of them, to a collector.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'play' -d 'Replay a recorded session: a player with seek, search and queries; or its output; or the screen at an instant.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'gate' -d 'Run the BigQuery gate standalone: one journal per authenticated client session.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'collect' -d 'Run the collector: receive sealed journal frames, check their chain, store them, sign receipts.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'verify' -d 'Check that journals are intact: signatures, frame order, hash chain, end record.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'cat' -d 'Print every record of a journal as one JSON object per line.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'info' -d 'Summarize a journal: header, duration, record counts per kind, sizes, integrity.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'ls' -d 'List recorded sessions, with filters.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'search' -d 'Find SQL text, prompts, event text and screen text across sessions.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'export' -d 'Export a journal as JSON lines, an asciicast or a CSV access log.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'evidence' -d 'Build a signed evidence bundle for a period.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'policy' -d 'Check a policy file, or explain what it decides for a statement.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'approvals' -d 'List and show requests held for approval.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'approve' -d 'Approve a held request (you must be one of its rule\'s approvers, and not its requester).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'deny' -d 'Deny a held request; the agent\'s job fails with your reason.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" journal' -l 'journal' -d 'Journal file, or directory to put it in (default: $XDG_DATA_HOME/hrec/sessions/).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" no-input' -l 'no-input' -d 'Do not record what you type (only how many bytes).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" password-prompt' -l 'password-prompt' -d 'Output ending in a match of this regular expression makes your next line secret (default: (?i)(password|passphrase|passcode)[^\\n]{0,80}:\\s*$).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" q quiet' -l 'quiet' -s 'q' -d 'Do not print the journal path at the end.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" unconfined' -l 'unconfined' -d 'Run the command without the sandbox (it can then read hrec\'s key and your credentials, and reach the network directly); the journal says so.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" signing-key' -l 'signing-key' -d 'Ed25519 signing key file (default: ~/.config/hrec/signing-key, created on first use).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" stall-timeout' -l 'stall-timeout' -d 'While the journal cannot be written (disk full) the session is paused; end it after this many seconds (0: wait for space).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" gate-config' -l 'gate-config' -d 'Gate configuration (identity, upstream) in YAML.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" policy' -l 'policy' -d 'Policy file (rules, masking; may also hold identity and upstream).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" identity-token' -l 'identity-token' -d 'Your OIDC ID token, verified at start and used by the agent\'s client.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" dev-identity' -l 'dev-identity' -d 'Dev mode: no identity provider; BigQuery calls are attributed to your OS user and marked unverified.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" upstream' -l 'upstream' -d 'BigQuery base URL (default https://bigquery.googleapis.com, or the config\'s).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" project' -l 'project' -d 'Default Google Cloud project for the agent\'s client (GOOGLE_CLOUD_PROJECT).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" no-gate' -l 'no-gate' -d 'Do not start the BigQuery gate (record the terminal only).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" collector' -l 'collector' -d 'Ship the journal to this collector (hrec collect) as it is written, authenticated with your identity token.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" delivery' -l 'delivery' -d 'async: never wait for the collector (what is left is sent later, see hrec deliver); sync: hold the command\'s output while a frame is unacknowledged for longer than --sync-window.' -rfka 'async sync'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" sync-window' -l 'sync-window' -d 'sync: hold output while a frame is unacknowledged for longer than this (default 5).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" sync-timeout' -l 'sync-timeout' -d 'sync: end the session when output has been held this long (default 30).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" collector-key' -l 'collector-key' -d 'The collector\'s receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" collector' -l 'collector' -d 'The collector (default: the one each journal was shipped to).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" identity-token' -l 'identity-token' -d 'Your OIDC ID token, sent as the bearer token.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" dev-identity' -l 'dev-identity' -d 'Dev mode: the collector runs with --dev-identity and takes any token.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" collector-key' -l 'collector-key' -d 'The collector\'s receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" timeout' -l 'timeout' -d 'Give up on a journal after this many seconds of failed attempts (default 60).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deliver" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" screen' -l 'screen' -d 'Print the screen\'s text at --at (default: the end) instead of replaying.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" stdout' -l 'stdout' -d 'Write the output to stdout with its timing instead of opening the player.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" follow' -l 'follow' -d 'Write the output of a session still being recorded as it arrives, until it ends.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" at' -l 'at' -d 'Instant to start at, or to show with --screen: 90, 1m30s, 1:30, 12.5s.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" speed' -l 'speed' -d 'Playback speed (0.25 to 16).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" idle-limit' -l 'idle-limit' -d 'Squeeze pauses longer than this.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" no-wait' -l 'no-wait' -d 'With --stdout: do not wait between outputs.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" paused' -l 'paused' -d 'Open the player paused.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" force' -l 'force' -d 'Play a journal even though it fails verification (the player shows a banner).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play"' -l 'trust' -d 'A signer public key file to trust (repeatable).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" any-signer' -l 'any-signer' -d 'Accept any signer: check integrity against the key the journal names.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec play" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" config' -l 'config' -d 'Gate configuration in YAML (identity, upstream, journals).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" listen' -l 'listen' -d 'Address to listen on.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" journals' -l 'journals' -d 'Directory for the journals (default: the config\'s, else $XDG_DATA_HOME/hrec/gate).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" idle-close' -l 'idle-close' -d 'Close a client session\'s journal after this many seconds without calls; the next call continues it in a new segment.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" header-timeout' -l 'header-timeout' -d 'Seconds a client has to send a request\'s headers.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" body-timeout' -l 'body-timeout' -d 'Seconds a client has to send a request\'s body after its headers.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" connections-per-address' -l 'connections-per-address' -d 'Open connections allowed from one client address.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" collector' -l 'collector' -d 'Ship every journal to this collector (hrec collect) as it is written; the collector must list the token\'s subject under uploaders:.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" collector-token' -l 'collector-token' -d 'The gate\'s own OIDC ID token for the collector (a file, read before each request).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" collector-key' -l 'collector-key' -d 'The collector\'s receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec gate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" config' -l 'config' -d 'Collector configuration in YAML (storage, signing_key, identity).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" listen' -l 'listen' -d 'Address to listen on (port 0: any free port, printed).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" dev-identity' -l 'dev-identity' -d 'Dev mode: no identity provider; every bearer token is accepted as your OS user.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" print-public-key' -l 'print-public-key' -d 'Print the collector\'s receipt public key (for verifiers to trust) and exit.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec collect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify"' -l 'trust' -d 'A signer public key file to trust (repeatable).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" any-signer' -l 'any-signer' -d 'Accept any signer: check integrity against the key the journal names.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" json' -l 'json' -d 'Print one JSON object per journal.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" collector' -l 'collector' -d 'A collector (hrec collect) to read sessions from.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" identity-token' -l 'identity-token' -d 'OIDC ID token for the collector (a file).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec cat" response' -l 'response' -d 'Print the response body of this gate request id, byte for byte.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec cat" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec cat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec info"' -l 'trust' -d 'A signer public key file to trust (repeatable).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec info" any-signer' -l 'any-signer' -d 'Accept any signer: check integrity against the key the journal names.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec info" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec info" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" index' -l 'index' -d 'The session index file (rebuilt from the journals when missing).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" user' -l 'user' -d 'Only sessions of this user (identity email or OS login).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" since' -l 'since' -d 'Only sessions started at or after this time (2026-11-22, \'2026-11-22 10:00\', ISO 8601; UTC).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" until' -l 'until' -d 'Only sessions started before this time.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" command' -l 'command' -d 'Only sessions whose command line matches this regular expression.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" table' -l 'table' -d 'Only sessions that touched a table matching this glob (e.g. \'sales.*\').' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" decision' -l 'decision' -d 'Only sessions with at least one such gate decision.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" masked' -l 'masked' -d 'Only sessions where some result was masked.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" net-denied' -l 'net-denied' -d 'Only sessions where the egress proxy denied a connection.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" unconfined' -l 'unconfined' -d 'Only sessions whose command ran without confinement (--unconfined, or recorded before hrec confined).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" exit' -l 'exit' -d 'Only sessions whose command exited with this status.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" json' -l 'json' -d 'Print one JSON object per session (one per line).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" collector' -l 'collector' -d 'A collector (hrec collect) to read sessions from.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" identity-token' -l 'identity-token' -d 'OIDC ID token for the collector (a file).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" in' -l 'in' -d 'Search only these sources, comma-separated.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" index' -l 'index' -d 'The session index file (rebuilt from the journals when missing).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" user' -l 'user' -d 'Only sessions of this user (identity email or OS login).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" since' -l 'since' -d 'Only sessions started at or after this time (2026-11-22, \'2026-11-22 10:00\', ISO 8601; UTC).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" until' -l 'until' -d 'Only sessions started before this time.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" command' -l 'command' -d 'Only sessions whose command line matches this regular expression.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" table' -l 'table' -d 'Only sessions that touched a table matching this glob (e.g. \'sales.*\').' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" decision' -l 'decision' -d 'Only sessions with at least one such gate decision.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" masked' -l 'masked' -d 'Only sessions where some result was masked.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" net-denied' -l 'net-denied' -d 'Only sessions where the egress proxy denied a connection.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" unconfined' -l 'unconfined' -d 'Only sessions whose command ran without confinement (--unconfined, or recorded before hrec confined).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" exit' -l 'exit' -d 'Only sessions whose command exited with this status.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" json' -l 'json' -d 'Print one JSON object per match.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" collector' -l 'collector' -d 'A collector (hrec collect) to read sessions from.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" identity-token' -l 'identity-token' -d 'OIDC ID token for the collector (a file).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec export" format' -l 'format' -d 'Output format.' -rfka 'jsonl asciicast csv'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec export" o output' -l 'output' -s 'o' -d 'Write here instead of stdout.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec export" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" since' -l 'since' -d 'Sessions started at or after this time (UTC unless an offset is given).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" until' -l 'until' -d 'Sessions started before this time.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" out' -l 'out' -d 'The bundle directory (created).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence"' -l 'trust' -d 'Also trust journals signed by this public key file.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" collector' -l 'collector' -d 'A collector (hrec collect) to read sessions from.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" identity-token' -l 'identity-token' -d 'OIDC ID token for the collector (a file).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec policy" -eq 1' -fa 'check' -d 'Report every problem in a policy file, each with its line and column.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec policy" -eq 1' -fa 'explain' -d 'Print the analysis of SQL, the decision, and every rule that matched and why.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy check" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" sql' -l 'sql' -d 'The SQL to explain.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" as' -l 'as' -d 'The requester\'s email.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" groups' -l 'groups' -d 'Comma-separated groups of the requester.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" default-project' -l 'default-project' -d 'Project for unqualified names.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" default-dataset' -l 'default-dataset' -d 'Dataset for unqualified table names.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" estimated-bytes' -l 'estimated-bytes' -d 'A dry-run estimate to evaluate byte limits with.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain"' -l 'schema' -d 'A table\'s schema for rules on columns: TABLE=FILE.json, FILE a tables.get answer (repeatable).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec policy explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec approvals" -eq 1' -fa 'list' -d 'List held requests (pending first).'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec approvals" -eq 1' -fa 'show' -d 'Show one held request: SQL, requester, analysis, tables, estimate, session.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals list" gate' -l 'gate' -d 'A standalone gate\'s URL (default: the running hrec run sessions\' gates).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals list" identity-token' -l 'identity-token' -d 'Your OIDC ID token (default: $HREC_IDENTITY_TOKEN).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals list" json' -l 'json' -d 'Print JSON.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals list" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals show" gate' -l 'gate' -d 'A standalone gate\'s URL (default: the running hrec run sessions\' gates).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals show" identity-token' -l 'identity-token' -d 'Your OIDC ID token (default: $HREC_IDENTITY_TOKEN).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals show" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approvals show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approve" gate' -l 'gate' -d 'A standalone gate\'s URL (default: the running hrec run sessions\' gates).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approve" identity-token' -l 'identity-token' -d 'Your OIDC ID token (default: $HREC_IDENTITY_TOKEN).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approve" reason' -l 'reason' -d 'Why.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approve" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deny" gate' -l 'gate' -d 'A standalone gate\'s URL (default: the running hrec run sessions\' gates).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deny" identity-token' -l 'identity-token' -d 'Your OIDC ID token (default: $HREC_IDENTITY_TOKEN).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deny" reason' -l 'reason' -d 'Why (required: the agent is told).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deny" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec deny" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec help" version' -l 'version' -d 'Show the version.'
