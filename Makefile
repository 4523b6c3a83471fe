# The two commands of the quick start, and a few helpers. Everything goes through scripts/dev.sh.
.PHONY: run test release-check sqlx-prepare services stop bench

run:           ## set up and serve the app with demo data at http://localhost:3000
	scripts/dev.sh run

test:          ## set up and run the whole test suite
	scripts/dev.sh test

release-check: ## build the release site and check that it hydrates in Chromium
	scripts/dev.sh release-check

sqlx-prepare:  ## regenerate .sqlx/ after changing a SQL query
	scripts/dev.sh sqlx-prepare

services:      ## start only the local PostgreSQL and Redis
	scripts/dev.sh services

stop:          ## stop the local services, the simulator and a running server
	scripts/dev.sh stop

bench:         ## run the benchmarks (figures go in docs/BENCHMARKS.md)
	scripts/dev.sh bench
