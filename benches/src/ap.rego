# The Assurance Policy's points and level rules (rules/ap/*.yaml, m20090928.1, the
# TTP-Assisted caps of rules/ttp/ttp-assisted.yaml) in Rego, for the regorus baseline.
# input: {"as_of": "YYYY-MM-DD", "members": [{"id", "age", "cats", "assurer", "blocked",
#         "received": [{"id", "points", "awarded", "method", "deleted", "expire", "topup_valid"}]}]}
package ap

import rego.v1

tverify := {"Thawte Points Transfer", "CT Magazine - Germany", "Temporary Increase"}
kept := {"Face to Face Meeting", "Trusted Third Parties", "Unknown", ""}

live(r) if {
	not_before(r.deleted)
	not_before(r.expire)
}

not_before(d) if d == null
not_before(d) if {
	d != null
	d > input.as_of
}

value(r) := max([r.awarded, r.points, 0])

method_points(r) := 0 if {
	tverify[r.method]
	input.as_of >= "2010-11-16"
} else := min([35, value(r)]) if {
	r.method == "TOPUP"
	r.topup_valid
} else := 0 if {
	r.method == "TOPUP"
} else := min([35, value(r)]) if {
	r.method == "TTP-Assisted"
} else := value(r) if {
	tverify[r.method]
} else := 0 if {
	r.method == "Administrative Increase"
	value(r) <= 2
} else := value(r) if {
	r.method == "Administrative Increase"
} else := value(r) if {
	kept[r.method]
} else := 0

counts(r) := min([100, method_points(r)]) if live(r)
else := 0

assurance_points(m) := min([100, sum([counts(r) | some r in m.received])])

young(m) if {
	m.age != null
	m.age < 14
}

level(m) := "assurer" if {
	assurance_points(m) >= 100
	m.cats
	not young(m)
	not m.blocked
} else := "assurer-on-hold" if {
	m.assurer
} else := "assured" if {
	assurance_points(m) >= 50
} else := "unassured"

members := {m.id: [assurance_points(m), level(m)] | some m in input.members}

records := {r.id: counts(r) | some m in input.members; some r in m.received}
