.PHONY: run demo web test setup bench load-bench prod nlu-eval seq-eval
run:        ## set up everything and chat in the terminal (embedded SQLite + demo catalog)
	./scripts/run.sh
demo:       ## same as run: trains the demo scorer first when var/scorer is missing
	./scripts/run.sh
web:        ## set up everything and serve the website chat (prints its URL), REST, and Slack/Telegram when configured
	./scripts/web.sh
test:       ## set up everything and run the whole test suite
	./scripts/test.sh
setup:
	./scripts/setup.sh
bench:      ## REST latency of a recommendation turn vs a trivial custom-action turn
	./scripts/bench.sh
load-bench: ## production configuration under load: 2 Rasa + 2 action servers, 10/50/200 conversations
	./scripts/load_bench.sh
prod:       ## the production configuration here: PostgreSQL + Redis stores, secrets from the environment (README: Deployment)
	./scripts/prod.sh
nlu-eval:   ## intent/entity F1 on a held-out split
	./scripts/nlu_eval.sh
seq-eval:   ## transformer scorer vs baselines on the research data (../shared/data or SEQ_DATA)
	./scripts/seq_eval.sh all
