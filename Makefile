.PHONY: run test setup bench nlu-eval
run:        ## set up everything and chat in the terminal (embedded SQLite + demo catalog)
	./scripts/run.sh
test:       ## set up everything and run the whole test suite
	./scripts/test.sh
setup:
	./scripts/setup.sh
bench:      ## REST latency of a recommendation turn vs a trivial custom-action turn
	./scripts/bench.sh
nlu-eval:   ## intent/entity F1 on a held-out split
	./scripts/nlu_eval.sh
