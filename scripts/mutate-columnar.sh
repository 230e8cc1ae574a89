#!/usr/bin/env bash
# Shows that the three-engine tests catch a wrong columnar executor: each mutation below is
# applied to a copy of the committed tree (a git worktree), the tests comparing the engines
# are run, and they must fail. Exit 0 when every mutant is caught.
# Usage: scripts/mutate-columnar.sh   (needs only cargo; a few minutes per mutant)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/wotrules-mutant.XXXXXX)
TARGET=${MUTANT_TARGET:-/tmp/wotrules-mutant-target}
git worktree add --quiet --detach "$WORK/tree" HEAD
trap 'git worktree remove --force "$WORK/tree"; rm -rf "$WORK"' EXIT
COLUMNAR=crates/core/src/eval/columnar

# Each mutant: the file, the text replaced, its replacement, what the mutant does wrong.
FILES=("$COLUMNAR/expr.rs" "$COLUMNAR/aggregate.rs" "$COLUMNAR/mod.rs" "$COLUMNAR/expr.rs")
FROMS=(
  'Some(x.iter().zip(y).map(|(x, y)| op.holds(x.cmp(y))).collect())'
  'if !self.distinct_texts.iter().any(|t| strings.equal(*t, text)) {'
  'Some(true) => held.push(*row),'
  'Some(value) if value == or => values[row] = or,'
)
TOS=(
  'Some(x.iter().zip(y).map(|(x, y)| op.holds(y.cmp(x))).collect())'
  'if self.distinct_texts.len() < usize::MAX {'
  'Some(true) => left.push(*row),'
  'Some(value) if value == or => values[row] = !or,'
)
WHATS=(
  "integers compared the wrong way round"
  "count_distinct counts every text"
  "a table row that holds does not decide"
  "a short-circuit gives the wrong answer"
)
caught=0
for i in "${!FILES[@]}"; do
  file=${FILES[$i]} what=${WHATS[$i]}
  (cd "$WORK/tree" && git checkout --quiet -- .)
  before=$(md5sum < "$WORK/tree/$file")
  FROM=${FROMS[$i]} TO=${TOS[$i]} perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$WORK/tree/$file"
  if [ "$(md5sum < "$WORK/tree/$file")" = "$before" ]; then
    echo "mutant not applied (the code changed): $what" >&2
    exit 2
  fi
  if (cd "$WORK/tree" && CARGO_TARGET_DIR=$TARGET cargo test -q -p wotrules --test it -- sql::three_engines engines:: semantics:: >"$WORK/log" 2>&1); then
    echo "NOT CAUGHT: $what ($file)"
  else
    caught=$((caught + 1))
    echo "caught: $what ($file): $(grep -m1 -E 'disagree|gives `' "$WORK/log" | cut -c1-160)"
  fi
done
echo "$caught of ${#FILES[@]} mutants caught"
[ "$caught" -eq "${#FILES[@]}" ]
