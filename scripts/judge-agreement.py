#!/usr/bin/env python3
"""Agreement between two judged-query files (bench/README.md format).

Usage: scripts/judge-agreement.py FIRST SECOND

Counts, over every section SECOND lists (its pool, grade 0 included), FIRST's grade (0 when
FIRST does not list it) against SECOND's, and prints the 3x3 table, how many of FIRST's
relevant sections SECOND keeps, and agreement and Cohen's kappa on relevant (grade >= 1) or not.
Only queries in both files count. Used for tests/relevance/second-assessor.jsonl.
"""
import collections
import json
import sys


def load(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                out[d["qid"]] = {r["id"] + "#" + r["anchor"]: int(r["grade"]) for r in d["relevant"]}
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"{path}:{n}: {e}")
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    first, second = load(sys.argv[1]), load(sys.argv[2])
    qids = [q for q in second if q in first]
    if not qids:
        sys.exit("no query is in both files")
    table = collections.Counter()
    for q in qids:
        for key, grade in second[q].items():
            table[(first[q].get(key, 0), grade)] += 1
    n = sum(table.values())
    print(f"{len(qids)} queries, {n} sections graded by the second file")
    print("| first \\ second | 0 | 1 | 2 |\n|---|--:|--:|--:|")
    for a in (0, 1, 2):
        print(f"| {a} | " + " | ".join(str(table[(a, b)]) for b in (0, 1, 2)) + " |")
    both = sum(v for (a, b), v in table.items() if a >= 1 and b >= 1)
    neither = sum(v for (a, b), v in table.items() if a == 0 and b == 0)
    p_first = sum(v for (a, _), v in table.items() if a >= 1) / n
    p_second = sum(v for (_, b), v in table.items() if b >= 1) / n
    observed = (both + neither) / n
    chance = p_first * p_second + (1 - p_first) * (1 - p_second)
    kappa = (observed - chance) / (1 - chance) if chance < 1 else 1.0
    first_relevant = sum(1 for q in qids for g in first[q].values() if g >= 1)
    unlisted = sum(1 for q in qids for k, g in first[q].items() if g >= 1 and k not in second[q])
    second_relevant = sum(1 for q in qids for g in second[q].values() if g >= 1)
    print(f"second keeps {both} of the first's {first_relevant} relevant sections "
          f"({unlisted} not in its pool) and finds {second_relevant - both} more")
    print(f"relevant or not: agreement {observed:.3f}, Cohen's kappa {kappa:.2f}")
    print(f"relevant per query: first {first_relevant / len(qids):.2f}, second {second_relevant / len(qids):.2f}")


if __name__ == "__main__":
    main()
