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
            'verify:Check that journals are intact: signatures, frame order, hash chain, end record.'
            'cat:Print every record of a journal as one JSON object per line.'
            'info:Summarize a journal: header, duration, record counts per kind, sizes, integrity.'
            'ls:List recorded sessions, with filters.'
            'search:Find SQL text, event text and screen text across sessions.'
            'export:Export a journal as JSON lines, an asciicast or a CSV access log.'
            'evidence:Build a signed evidence bundle for a period.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        verify|cat|info|ls|search|export|evidence|help)
            "_hrec_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hrec_verify() {
    local -i ret=1
    local -ar arg_specs=(
        '*:files:'
        '*--trust[A signer public key file to trust (repeatable).]:trust:'
        '--any-signer[Accept any signer\: check integrity against the key the journal names.]'
        '--json[Print one JSON object per journal.]'
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
        '--exit[Only sessions whose command exited with this status.]:N:'
        '--json[Print one JSON object per session (one per line).]'
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
        '--in[Search only these sources, comma-separated.]:sql,event,screen:'
        '--index[The session index file (rebuilt from the journals when missing).]:path:'
        '--user[Only sessions of this user (identity email or OS login).]:user:'
        '--since[Only sessions started at or after this time (2026-11-22, '\''2026-11-22 10\:00'\'', ISO 8601; UTC).]:date:'
        '--until[Only sessions started before this time.]:date:'
        '--command[Only sessions whose command line matches this regular expression.]:regex:'
        '--table[Only sessions that touched a table matching this glob (e.g. '\''sales.*'\'').]:glob:'
        '--decision[Only sessions with at least one such gate decision.]:deny|review|allow:'
        '--masked[Only sessions where some result was masked.]'
        '--exit[Only sessions whose command exited with this status.]:N:'
        '--json[Print one JSON object per match.]'
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
