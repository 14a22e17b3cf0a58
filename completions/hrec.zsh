#compdef hrec

__hrec_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__hrec_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __hrec_complete "${completions[@]:0:-1}"
    fi
}

__hrec_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_hrec() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'run:Run a command (an AI agent, a shell) on a pty and record the whole session.'
            'deliver:Send journals, or what is left of them, to a collector.'
            'play:Replay a recorded session: a player with seek, search and queries; or its output; or the screen at an instant.'
            'gate:Run the BigQuery gate standalone: one journal per authenticated client session.'
            'collect:Run the collector: receive sealed journal frames, check their chain, store them, sign receipts.'
            'verify:Check that journals are intact: signatures, frame order, hash chain, end record.'
            'cat:Print every record of a journal as one JSON object per line.'
            'info:Summarize a journal: header, duration, record counts per kind, sizes, integrity.'
            'ls:List recorded sessions, with filters.'
            'search:Find SQL text, prompts, event text and screen text across sessions.'
            'export:Export a journal as JSON lines, an asciicast or a CSV access log.'
            'evidence:Build a signed evidence bundle for a period.'
            'policy:Check a policy file, or explain what it decides for a statement.'
            'approvals:List and show requests held for approval.'
            'approve:Approve a held request (you must be one of its rule'\''s approvers, and not its requester).'
            'deny:Deny a held request; the agent'\''s job fails with your reason.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        run|deliver|play|gate|collect|verify|cat|info|ls|search|export|evidence|policy|approvals|approve|deny|help)
            "_hrec_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hrec_run() {
    local -i ret=1
    local -ar ___delivery=('async' 'sync')
    local -ar arg_specs=(
        '--journal[Journal file, or directory to put it in (default\: $XDG_DATA_HOME/hrec/sessions/).]:PATH:'
        '--no-input[Do not record what you type (only how many bytes).]'
        '--password-prompt[Output ending in a match of this regular expression makes your next line secret (default\: (?i)(password|passphrase|passcode)\[^\\n\]{0,80}\:\\s*$).]:REGEX:'
        '(--quiet -q)'{--quiet,-q}'[Do not print the journal path at the end.]'
        '--unconfined[Run the command without the sandbox (it can then read hrec'\''s key and your credentials, and reach the network directly); the journal says so.]'
        '--signing-key[Ed25519 signing key file (default\: ~/.config/hrec/signing-key, created on first use).]:FILE:'
        '--stall-timeout[While the journal cannot be written (disk full) the session is paused; end it after this many seconds (0\: wait for space).]:SECONDS:'
        '--gate-config[Gate configuration (identity, upstream) in YAML.]:FILE:'
        '--policy[Policy file (rules, masking; may also hold identity and upstream).]:FILE:'
        '--identity-token[Your OIDC ID token, verified at start and used by the agent'\''s client.]:FILE:'
        '--dev-identity[Dev mode\: no identity provider; BigQuery calls are attributed to your OS user and marked unverified.]'
        '--upstream[BigQuery base URL (default https\://bigquery.googleapis.com, or the config'\''s).]:URL:'
        '--project[Default Google Cloud project for the agent'\''s client (GOOGLE_CLOUD_PROJECT).]:ID:'
        '--no-gate[Do not start the BigQuery gate (record the terminal only).]'
        '--collector[Ship the journal to this collector (hrec collect) as it is written, authenticated with your identity token.]:URL:'
        '--delivery[async\: never wait for the collector (what is left is sent later, see hrec deliver); sync\: hold the command'\''s output while a frame is unacknowledged for longer than --sync-window.]:MODE:{__hrec_complete "${___delivery[@]}"}'
        '--sync-window[sync\: hold output while a frame is unacknowledged for longer than this (default 5).]:SECONDS:'
        '--sync-timeout[sync\: end the session when output has been held this long (default 30).]:SECONDS:'
        '--collector-key[The collector'\''s receipt public key (hrec collect --print-public-key)\: receipts it did not sign stop delivery.]:FILE:'
        '*:command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_deliver() {
    local -i ret=1
    local -ar arg_specs=(
        '--collector[The collector (default\: the one each journal was shipped to).]:URL:'
        '--identity-token[Your OIDC ID token, sent as the bearer token.]:FILE:'
        '--dev-identity[Dev mode\: the collector runs with --dev-identity and takes any token.]'
        '--collector-key[The collector'\''s receipt public key (hrec collect --print-public-key)\: receipts it did not sign stop delivery.]:FILE:'
        '--timeout[Give up on a journal after this many seconds of failed attempts (default 60).]:SECONDS:'
        '*:paths:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_play() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--screen[Print the screen'\''s text at --at (default\: the end) instead of replaying.]'
        '--stdout[Write the output to stdout with its timing instead of opening the player.]'
        '--follow[Write the output of a session still being recorded as it arrives, until it ends.]'
        '--at[Instant to start at, or to show with --screen\: 90, 1m30s, 1\:30, 12.5s.]:TIME:'
        '--speed[Playback speed (0.25 to 16).]:speed:'
        '--idle-limit[Squeeze pauses longer than this.]:TIME:'
        '--no-wait[With --stdout\: do not wait between outputs.]'
        '--paused[Open the player paused.]'
        '--force[Play a journal even though it fails verification (the player shows a banner).]'
        '*--trust[A signer public key file to trust (repeatable).]:KEY.pub:'
        '--any-signer[Accept any signer\: check integrity against the key the journal names.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_gate() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[Gate configuration in YAML (identity, upstream, journals).]:FILE:'
        '--listen[Address to listen on.]:HOST\:PORT:'
        '--journals[Directory for the journals (default\: the config'\''s, else $XDG_DATA_HOME/hrec/gate).]:DIR:'
        '--idle-close[Close a client session'\''s journal after this many seconds without calls; the next call continues it in a new segment.]:SECONDS:'
        '--header-timeout[Seconds a client has to send a request'\''s headers.]:SECONDS:'
        '--body-timeout[Seconds a client has to send a request'\''s body after its headers.]:SECONDS:'
        '--connections-per-address[Open connections allowed from one client address.]:N:'
        '--collector[Ship every journal to this collector (hrec collect) as it is written; the collector must list the token'\''s subject under uploaders\:.]:URL:'
        '--collector-token[The gate'\''s own OIDC ID token for the collector (a file, read before each request).]:FILE:'
        '--collector-key[The collector'\''s receipt public key (hrec collect --print-public-key)\: receipts it did not sign stop delivery.]:FILE:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_collect() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[Collector configuration in YAML (storage, signing_key, identity).]:FILE:'
        '--listen[Address to listen on (port 0\: any free port, printed).]:HOST\:PORT:'
        '--dev-identity[Dev mode\: no identity provider; every bearer token is accepted as your OS user.]'
        '--print-public-key[Print the collector'\''s receipt public key (for verifiers to trust) and exit.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_verify() {
    local -i ret=1
    local -ar arg_specs=(
        '*:files:'
        '*--trust[A signer public key file to trust (repeatable).]:KEY.pub:'
        '--any-signer[Accept any signer\: check integrity against the key the journal names.]'
        '--json[Print one JSON object per journal.]'
        '--collector[A collector (hrec collect) to read sessions from.]:URL:'
        '--identity-token[OIDC ID token for the collector (a file).]:FILE:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_cat() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--response[Print the response body of this gate request id, byte for byte.]:REQUEST_ID:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_info() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '*--trust[A signer public key file to trust (repeatable).]:KEY.pub:'
        '--any-signer[Accept any signer\: check integrity against the key the journal names.]'
        '--json[Print JSON instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_ls() {
    local -i ret=1
    local -ar arg_specs=(
        '--index[The session index file (rebuilt from the journals when missing).]:path:'
        '--user[Only sessions of this user (identity email or OS login).]:user:'
        '--since[Only sessions started at or after this time (2026-11-22, '\''2026-11-22 10\:00'\'', ISO 8601; UTC).]:date:'
        '--until[Only sessions started before this time.]:date:'
        '--command[Only sessions whose command line matches this regular expression.]:regex:'
        '--table[Only sessions that touched a table matching this glob (e.g. '\''sales.*'\'').]:glob:'
        '--decision[Only sessions with at least one such gate decision.]:deny|review|allow:'
        '--masked[Only sessions where some result was masked.]'
        '--net-denied[Only sessions where the egress proxy denied a connection.]'
        '--unconfined[Only sessions whose command ran without confinement (--unconfined, or recorded before hrec confined).]'
        '--exit[Only sessions whose command exited with this status.]:N:'
        '--json[Print one JSON object per session (one per line).]'
        '--collector[A collector (hrec collect) to read sessions from.]:URL:'
        '--identity-token[OIDC ID token for the collector (a file).]:FILE:'
        '*:locations:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_search() {
    local -i ret=1
    local -ar arg_specs=(
        ':pattern:'
        '*:locations:'
        '--in[Search only these sources, comma-separated.]:sql,prompt,event,screen:'
        '--index[The session index file (rebuilt from the journals when missing).]:path:'
        '--user[Only sessions of this user (identity email or OS login).]:user:'
        '--since[Only sessions started at or after this time (2026-11-22, '\''2026-11-22 10\:00'\'', ISO 8601; UTC).]:date:'
        '--until[Only sessions started before this time.]:date:'
        '--command[Only sessions whose command line matches this regular expression.]:regex:'
        '--table[Only sessions that touched a table matching this glob (e.g. '\''sales.*'\'').]:glob:'
        '--decision[Only sessions with at least one such gate decision.]:deny|review|allow:'
        '--masked[Only sessions where some result was masked.]'
        '--net-denied[Only sessions where the egress proxy denied a connection.]'
        '--unconfined[Only sessions whose command ran without confinement (--unconfined, or recorded before hrec confined).]'
        '--exit[Only sessions whose command exited with this status.]:N:'
        '--json[Print one JSON object per match.]'
        '--collector[A collector (hrec collect) to read sessions from.]:URL:'
        '--identity-token[OIDC ID token for the collector (a file).]:FILE:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_export() {
    local -i ret=1
    local -ar ___format=('jsonl' 'asciicast' 'csv')
    local -ar arg_specs=(
        '--format[Output format.]:format:{__hrec_complete "${___format[@]}"}'
        '(--output -o)'{--output,-o}'[Write here instead of stdout.]:file:'
        ':file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_evidence() {
    local -i ret=1
    local -ar arg_specs=(
        '--since[Sessions started at or after this time (UTC unless an offset is given).]:date:'
        '--until[Sessions started before this time.]:date:'
        '--out[The bundle directory (created).]:dir:'
        '*--trust[Also trust journals signed by this public key file.]:file:'
        '*:locations:'
        '--collector[A collector (hrec collect) to read sessions from.]:URL:'
        '--identity-token[OIDC ID token for the collector (a file).]:FILE:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_policy() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'check:Report every problem in a policy file, each with its line and column.'
            'explain:Print the analysis of SQL, the decision, and every rule that matched and why.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        check|explain)
            "_hrec_policy_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hrec_policy_check() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_policy_explain() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--sql[The SQL to explain.]:sql:'
        '--as[The requester'\''s email.]:as:'
        '--groups[Comma-separated groups of the requester.]:groups:'
        '--default-project[Project for unqualified names.]:default-project:'
        '--default-dataset[Dataset for unqualified table names.]:default-dataset:'
        '--estimated-bytes[A dry-run estimate to evaluate byte limits with.]:estimated-bytes:'
        '*--schema[A table'\''s schema for rules on columns\: TABLE=FILE.json, FILE a tables.get answer (repeatable).]:schema:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_approvals() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List held requests (pending first).'
            'show:Show one held request: SQL, requester, analysis, tables, estimate, session.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show)
            "_hrec_approvals_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hrec_approvals_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--gate[A standalone gate'\''s URL (default\: the running hrec run sessions'\'' gates).]:URL:'
        '--identity-token[Your OIDC ID token (default\: $HREC_IDENTITY_TOKEN).]:FILE:'
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_approvals_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--gate[A standalone gate'\''s URL (default\: the running hrec run sessions'\'' gates).]:URL:'
        '--identity-token[Your OIDC ID token (default\: $HREC_IDENTITY_TOKEN).]:FILE:'
        ':id:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_approve() {
    local -i ret=1
    local -ar arg_specs=(
        '--gate[A standalone gate'\''s URL (default\: the running hrec run sessions'\'' gates).]:URL:'
        '--identity-token[Your OIDC ID token (default\: $HREC_IDENTITY_TOKEN).]:FILE:'
        ':id:'
        '--reason[Why.]:reason:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_deny() {
    local -i ret=1
    local -ar arg_specs=(
        '--gate[A standalone gate'\''s URL (default\: the running hrec run sessions'\'' gates).]:URL:'
        '--identity-token[Your OIDC ID token (default\: $HREC_IDENTITY_TOKEN).]:FILE:'
        ':id:'
        '--reason[Why (required\: the agent is told).]:reason:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hrec_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _hrec ]]; then
    _hrec "${@}"
else
    compdef _hrec hrec
fi
