"""Sends print queries to a RouterOS API server with librouteros, a third-party Python client, and
prints what each one selected as JSON; sim.test.mjs holds the expected answers and checks them.

Usage: librouteros_queries.py PORT PASSWORD < {"label": ["?word", ...], ...}
"""

import json
import sys

from librouteros import connect
from librouteros.exceptions import TrapError
from librouteros.query import And, Key, Or

name, comment = Key("name"), Key("comment")

# Queries made by librouteros's own query builder (it writes ?=name=x, ?#!, ?#|, ?#&).
BUILT = {
    "Key == x": lambda: name == "q-b",
    "Key != x": lambda: name != "q-b",
    "Key < x": lambda: name < "q-b",
    "Key > x": lambda: name > "q-b",
    "Or": lambda: Or(name == "q-a", name == "q-c"),
    "And": lambda: And(comment == "vip", name == "q-a"),
    "In": lambda: name.In("q-a", "q-c", "q-d"),
}


def outcome(rows):
    try:
        return {"names": sorted(row["name"] for row in rows())}
    except TrapError as trap:
        return {"trap": trap.message}


def main():
    port, password = int(sys.argv[1]), sys.argv[2]
    raw = json.load(sys.stdin)
    api = connect(host="127.0.0.1", username="admin", password=password, port=port, timeout=5)
    secrets = api.path("ppp", "secret")
    results = {"raw": {}, "built": {}}
    for label, words in raw.items():
        results["raw"][label] = outcome(
            lambda: list(api.rawCmd("/ppp/secret/print", "=.proplist=name", *words))
        )
    for label, build in BUILT.items():
        results["built"][label] = outcome(lambda: list(secrets.select(name).where(build())))
    api.close()
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
