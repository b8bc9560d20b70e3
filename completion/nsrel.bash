# bash completion for the nsrel tools: lsuserns, lspidns, dumpns, graphns,
# lsallns. Installed once under each tool's name; each copy registers all.

_nsrel_types="mnt cgroup uts ipc user pid net time"
_nsrel_lsallns_columns="NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID
	NSFS PNS ONS HOLDERS OUID OUSER UIDMAP GIDMAP NSID CONTAINER"

_nsrel()
{
	local cur prev words cword split
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion -s || return
	else
		COMPREPLY=()
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		split=false
		# COMP_WORDBREAKS splits "--color=al" into "--color" "=" "al".
		if [[ $cur == = ]]; then
			cur=
			split=true
		elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
			prev=${COMP_WORDS[COMP_CWORD-2]}
			split=true
		elif [[ $cur == --*=* ]]; then
			prev=${cur%%=*}
			cur=${cur#*=}
			split=true
		fi
	fi

	local tool=${1##*/} opts
	case $tool in
	lsuserns)
		opts="-d --details -t --type -p --task -v --verbose -c --color -J
			--json --container
			--backend --engine-socket --no-engine-api -h --help
			-V --version"
		;;
	lspidns)
		opts="-u --user -p --task -v --verbose -c --color -J --json
			--container --backend
			--engine-socket --no-engine-api -h --help -V --version"
		;;
	dumpns)
		opts="-t --type -c --compact --no-tasks --no-fds --no-mounts
			--backend --engine-socket --no-engine-api -h --help -V --version"
		;;
	graphns)
		opts="-d --details -p --task -g --group -A --no-owner-arrows
			-o --output
			-T --format --backend -h --help --engine-socket
			--no-engine-api -V --version"
		;;
	lsallns)
		opts="-J --json -l --list -n --noheadings -o --output
			--output-all -H --list-columns -p --task -r --raw
			-u --notruncate -W --nowrap -t --type -T --tree --color
			--backend --engine-socket --no-engine-api -h --help
			-V --version"
		;;
	esac

	if [[ $tool == lsallns ]]; then
		case $prev in
		-o | --output)
			# A comma list, optionally after "+": complete the
			# last name.
			local head=${cur%"${cur##*[,+]}"}
			COMPREPLY=($(compgen -P "$head" \
				-W "$_nsrel_lsallns_columns" -- "${cur##*[,+]}"))
			compopt -o nospace 2>/dev/null
			return
			;;
		--tree)
			COMPREPLY=($(compgen -W "process owner parent" -- "$cur"))
			return
			;;
		esac
	fi

	case $prev in
	-p | --task)
		# A PID: nothing to offer.
		return
		;;
	-t | --type)
		# A comma list: complete the last name.
		local types=$_nsrel_types head=${cur%"${cur##*,}"}
		[[ $tool == lsuserns ]] && types=${types/user /}
		COMPREPLY=($(compgen -P "$head" -W "$types" -- "${cur##*,}"))
		return
		;;
	--color | --colour)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	--backend)
		COMPREPLY=($(compgen -W "auto proc bpf" -- "$cur"))
		return
		;;
	--container)
		# a name or an id: known only to a scan
		COMPREPLY=()
		return
		;;
	-T | --format)
		COMPREPLY=($(compgen -W "svg png pdf dot html" -- "$cur"))
		return
		;;
	-o | --output | --engine-socket)
		if declare -F _filedir >/dev/null 2>&1; then
			_filedir
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
		;;
	esac
	[[ ${split-false} == true ]] && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ $tool == lsuserns || $tool == lspidns ||
			$tool == lsallns ]] &&
			[[ $cur == --c* ]] && compopt -o nospace 2>/dev/null &&
			COMPREPLY=("${COMPREPLY[@]/--color/--color=}")
	fi
}

complete -F _nsrel lsuserns lspidns dumpns graphns lsallns
