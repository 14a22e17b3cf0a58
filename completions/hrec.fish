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
        case 'verify'
            __hrec_parse_subcommand -r 1 'trust=+' 'any-signer' 'json' 'version' 'h/help'
        case 'cat'
            __hrec_parse_subcommand 1 'version' 'h/help'
        case 'info'
            __hrec_parse_subcommand 1 'json' 'version' 'h/help'
        case 'ls'
            __hrec_parse_subcommand -r 1 'index=' 'user=' 'since=' 'until=' 'command=' 'table=' 'decision=' 'masked' 'exit=' 'json' 'version' 'h/help'
        case 'search'
            __hrec_parse_subcommand -r 2 'in=' 'index=' 'user=' 'since=' 'until=' 'command=' 'table=' 'decision=' 'masked' 'exit=' 'json' 'version' 'h/help'
        case 'export'
            __hrec_parse_subcommand 1 'format=' 'o/output=' 'version' 'h/help'
        case 'evidence'
            __hrec_parse_subcommand -r 1 'since=' 'until=' 'out=' 'trust=+' 'version' 'h/help'
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
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'verify' -d 'Check that journals are intact: signatures, frame order, hash chain, end record.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'cat' -d 'Print every record of a journal as one JSON object per line.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'info' -d 'Summarize a journal: header, duration, record counts per kind, sizes, integrity.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'ls' -d 'List recorded sessions, with filters.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'search' -d 'Find SQL text, event text and screen text across sessions.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'export' -d 'Export a journal as JSON lines, an asciicast or a CSV access log.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'evidence' -d 'Build a signed evidence bundle for a period.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_positional "hrec" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify"' -l 'trust' -d 'A signer public key file to trust (repeatable).' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" any-signer' -l 'any-signer' -d 'Accept any signer: check integrity against the key the journal names.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" json' -l 'json' -d 'Print one JSON object per journal.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec cat" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec cat" h help' -s 'h' -l 'help' -d 'Show help information.'
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
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" exit' -l 'exit' -d 'Only sessions whose command exited with this status.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec ls" json' -l 'json' -d 'Print one JSON object per session (one per line).'
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
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" exit' -l 'exit' -d 'Only sessions whose command exited with this status.' -rfka ''
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec search" json' -l 'json' -d 'Print one JSON object per match.'
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
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" version' -l 'version' -d 'Show the version.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec evidence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hrec' -n '__hrec_should_offer_completions_for_flags_or_options "hrec help" version' -l 'version' -d 'Show the version.'
