# Sourced by radix.sh and instructions.sh (after common.sh and nginx.sh): the
# two trajectories /retrieve_from_text is measured on, each stored in the
# router's cache by one /generate through it before the retrieves.
#   chat     a ~2 KB chat prompt and the static upstream's 12-token answer
#            (radix-upstream.json): 430 tokens, almost all prompt;
#   rollout  a ~100-token prompt and a 330-token generated answer with a
#            log-probability per token (rollout-upstream.py): 427 tokens,
#            about 2.2 KB, mostly generated, as an RL rollout's are.
# Each trajectory needs its own upstream, as the upstream's answer is fixed.

# start_trajectory_upstream KIND PORT TOKENIZER: the static upstream for KIND
# on core 0 (sets started_pid).
start_trajectory_upstream() {
    local kind=$1 port=$2 tokenizer=$3
    case $kind in
        chat)
            start_nginx chat-upstream benchmarks/http/nginx-upstream.conf.template 0 "$port" "" \
                "$(minified_json benchmarks/http/radix-upstream.json)" ;;
        rollout)
            mkdir -p "$work/rollout-upstream"
            python3 benchmarks/http/rollout-upstream.py "$tokenizer" "$work/rollout-upstream/body.json" "$work/rollout-prompt.txt" ||
                die "rollout-upstream.py failed (scripts/setup.sh installs its tokenizers package)"
            start_nginx rollout-upstream benchmarks/http/nginx-upstream-file.conf.template 0 "$port" "" "" ;;
        *) die "unknown trajectory '$kind'" ;;
    esac
}

# store_trajectory KIND ROUTER_URL OUT: sends KIND's prompt to /generate
# through the router, writes the retrieval body {"text": prompt + answer} to
# OUT, checks that the router's cache holds it whole and prints its size.
store_trajectory() {
    local kind=$1 router_url=$2 out=$3 prompt answer hit
    case $kind in
        chat) prompt=$(python3 -c 'print("<|im_start|>system\n" + "Answer with care and show each step of the arithmetic. " * 36 + "<|im_end|>\n<|im_start|>user\nWhat is 12 * 7?<|im_end|>\n<|im_start|>assistant\n", end="")') ;;
        rollout) prompt=$(cat "$work/rollout-prompt.txt") ;;
    esac
    answer=$(curl -s -H 'Content-Type: application/json' --data-binary \
        "$(python3 -c 'import json, sys; print(json.dumps({"text": sys.argv[1], "sampling_params": {"max_new_tokens": 512}}))' "$prompt")" \
        "$router_url/generate")
    python3 -c 'import json, sys; print(json.dumps({"text": sys.argv[1] + json.loads(sys.argv[2])["text"]}), end="")' \
        "$prompt" "$answer" >"$out"
    hit=$(curl -s -H 'Content-Type: application/json' --data-binary @"$out" "$router_url/retrieve_from_text" |
        python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["exact"], r["token_length"], sum(r["loss_mask"]))')
    case $hit in True*) ;; *) die "the $kind trajectory was not served exactly from the cache: $hit" ;; esac
    set -- $hit
    echo "$(wc -c <"$out") B, $2 tokens, $3 generated"
}
