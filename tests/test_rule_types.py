"""Every rule type, one behaviour per test: synthetic rules for the mechanics, the built-in rules
for the near-misses that matter (negation, pseudo-negation, hedging, quotation, process, other
senses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from medreview.checks import date_age
from medreview.engine import Engine
from medreview.errors import RuleError
from medreview.model import Finding
from medreview.ruleset import Rule, RuleSet, build_rule, load_ruleset
from medreview.source import source_from_bytes

US = load_ruleset(("us",))


def make_rule(rule_type: str, options: dict[str, Any], level: str = "error",
              scope: str = "text", applies_to: dict[str, Any] | None = None,
              message: str = "{match}") -> Rule:
    """A throwaway rule of `rule_type`; its message is the matched text unless given."""
    data = {"id": "test.rule", "code": "T1", "type": rule_type, "level": level, "scope": scope,
            "message": message, "description": "d", "suggestion": "s",
            "sources": [{"name": "n", "url": "https://example.org"}],
            "examples": {"flag": ["x"], "pass": ["y"]}, "options": options}
    if applies_to:
        data["applies_to"] = applies_to
    return build_rule(data, {}, "test.yaml", "test")


def review(rule: Rule, text: str, front_matter: dict[str, Any] | None = None) -> list[Finding]:
    engine = Engine(RuleSet(rules=[rule], tables=US.tables))
    body = text
    if front_matter:
        body = "---\n" + yaml.safe_dump(front_matter) + "---\n" + text
    return engine.review(source_from_bytes(body.encode("utf-8"), "post.md", "markdown")).findings


def builtin(rule_id: str, text: str, front_matter: dict[str, Any] | None = None) -> list[Finding]:
    return review(US.get(rule_id), text, front_matter)


def levels(found: list[Finding]) -> list[str]:
    return [f.severity for f in found]


# ---- phrase --------------------------------------------------------------------------------------

def test_affirmative_cure_is_flagged_as_error() -> None:
    assert levels(builtin("overclaim.cure", "Our infusion protocol cures bipolar depression.")) == [
        "error"]


def test_negated_cure_is_not_flagged() -> None:
    assert builtin("overclaim.cure", "There is no cure for bipolar disorder.") == []
    assert builtin("overclaim.cure", "Importantly, ketamine is not a cure.") == []


def test_pseudo_negation_still_flags() -> None:
    found = builtin("overclaim.cure", "It's not just a treatment, it's a cure.")
    assert [f.excerpt for f in found] == ["cure"]


def test_hedged_cure_is_downgraded_not_cleared() -> None:
    assert levels(builtin("overclaim.cure", "Our infusions may cure your depression.")) == [
        "warning"]


def test_cure_quoted_as_a_warning_to_readers_is_not_flagged() -> None:
    assert builtin("overclaim.cure", "Beware of clinics promising a 'miracle cure'.") == []
    assert builtin("overclaim.hype-terms", "Beware of clinics promising a 'miracle cure'.") == []


def test_guarantee_about_a_process_is_not_flagged() -> None:
    assert builtin("overclaim.guarantee", "We guarantee a nurse monitors you.") == []
    assert builtin("overclaim.guarantee", "Relief is guaranteed.") != []


def test_claim_reported_by_a_regulator_is_not_flagged() -> None:
    assert builtin("overclaim.cure", "FDA warns about products that claim to cure cancer.") == []


def test_denied_claim_is_not_flagged() -> None:
    text = "There is no scientific evidence that these, or any, products can treat or cure COVID-19."
    assert builtin("overclaim.cure", text) == []


def test_claims_in_a_scam_warning_section_are_set_aside() -> None:
    text = ("# Health tips\n\n## How to spot a scam\n\n### Miracle cure!\n\nOne pill will not "
            "cure many illnesses.\n\n## Our view\n\nOur tea is a miracle cure.")
    assert [f.line for f in builtin("overclaim.hype-terms", text)] == [11]


def test_named_source_clears_an_establishment_claim() -> None:
    text = "According to SAMHSA, studies have shown that most callers feel less depressed."
    assert builtin("claims.establishment", text) == []
    assert builtin("claims.establishment", "Studies have shown that most callers feel better.") != []


def test_requires_any_limits_matches_to_sentences_with_that_context() -> None:
    rule = make_rule("phrase", {"exact": ["overnight"], "requires_any": {"terms": ["relief"]}})
    assert review(rule, "You may stay overnight.") == []
    assert len(review(rule, "Relief overnight.")) == 1


def test_excludes_any_drops_the_sentence() -> None:
    rule = make_rule("phrase", {"exact": ["breakthrough"], "excludes_any": {"terms": ["designation"]}})
    assert review(rule, "It won Breakthrough Therapy designation.") == []


def test_cited_match_is_downgraded_when_the_rule_says_so() -> None:
    text = "Clinically proven to lift mood [1]."
    assert levels(builtin("claims.establishment", text)) == ["warning"]
    assert levels(builtin("claims.establishment", "Clinically proven to lift mood.")) == ["error"]


def test_escalates_when_the_document_names_no_serious_risk() -> None:
    minimised = "Side effects are typically mild and short-lived."
    assert levels(builtin("fair-balance.risk-minimization", minimised)) == ["error"]
    balanced = minimised + " Ketamine can also raise blood pressure."
    assert levels(builtin("fair-balance.risk-minimization", balanced)) == ["warning"]


def test_one_phrase_hit_per_sentence() -> None:
    rule = make_rule("phrase", {"exact": ["miracle", "secret"]})
    assert len(review(rule, "A miracle and a secret.")) == 1


def test_table_entries_are_matched_like_terms() -> None:
    rule = make_rule("phrase", {"table": "prescription-only-medicines"})
    assert [f.excerpt for f in review(rule, "Ask about Wegovy.")] == ["Wegovy"]


def test_unknown_matcher_key_is_a_rule_error() -> None:
    rule = make_rule("phrase", {"exact": ["cure"], "requires_any": {"term": ["relief"]}})
    with pytest.raises(RuleError, match="unknown matcher key 'term'"):
        Engine(RuleSet(rules=[rule], tables=US.tables))


def test_unknown_table_is_a_rule_error() -> None:
    rule = make_rule("phrase", {"table": "no-such-table"})
    with pytest.raises(RuleError, match="unknown knowledge table 'no-such-table'"):
        Engine(RuleSet(rules=[rule], tables=US.tables))


# ---- citation_needed ----------------------------------------------------------------------------

def test_uncited_research_appeal_is_flagged() -> None:
    assert builtin("evidence.uncited-research-claim",
                   "Research has increasingly explored ketamine's benefits.") != []


def test_research_appeal_with_a_citation_passes() -> None:
    assert builtin("evidence.uncited-research-claim",
                   "Research has explored ketamine for bipolar depression, but trials are small [2].") == []


# ---- conditional --------------------------------------------------------------------------------

def test_trigger_without_its_requirement_is_reported_once() -> None:
    found = builtin("crisis.resource-missing", "Suicide risk is high. Suicidal thoughts are common.")
    assert [f.excerpt for f in found] == ["Suicide"]


def test_requirement_anywhere_in_the_post_satisfies() -> None:
    text = "Suicidal thoughts are common.\n\nIf you are thinking about suicide, call or text 988."
    assert builtin("crisis.resource-missing", text) == []


def test_trigger_in_another_sense_is_not_flagged() -> None:
    assert builtin("crisis.resource-missing", "Some drugs make cancer cells commit suicide.") == []


def test_required_front_matter_field_satisfies() -> None:
    rule = make_rule("conditional", {"trigger": {"terms": ["suicide"]},
                                     "require": {"exact": ["988"]}, "require_fields": ["crisis"]})
    assert review(rule, "Suicide is mentioned.", {"crisis": "988"}) == []


def test_within_sentence_needs_the_requirement_in_the_same_sentence() -> None:
    rule = make_rule("conditional", {"trigger": {"exact": ["ketamine"]},
                                     "require": {"exact": ["off-label"]}, "within": "sentence"})
    assert len(review(rule, "Ketamine helps. It is used off-label.")) == 1
    assert review(rule, "Ketamine is used off-label.") == []


def test_report_each_flags_every_unmet_trigger() -> None:
    rule = make_rule("conditional", {"trigger": {"exact": ["ketamine"]},
                                     "require": {"exact": ["off-label"]}, "report": "each"})
    assert len(review(rule, "Ketamine helps. Ketamine works.")) == 2


def test_report_each_flags_a_sentence_once() -> None:
    rule = make_rule("conditional", {"trigger": {"exact": ["ketamine", "esketamine"]},
                                     "require": {"exact": ["off-label"]}, "report": "each"})
    assert len(review(rule, "Ketamine and esketamine help.")) == 1


def test_off_label_drug_and_condition_pair_is_flagged() -> None:
    assert builtin("offlabel.undisclosed", "IV ketamine treats bipolar depression.") != []


def test_on_label_pair_passes() -> None:
    assert builtin("offlabel.undisclosed",
                   "Esketamine (Spravato) is FDA-approved for treatment-resistant depression.") == []


def test_always_flag_fires_even_when_the_requirement_is_met() -> None:
    text = ("Ketamine is one option; talk to your psychiatrist. With our infusions you can stop "
            "taking your antidepressants.")
    found = builtin("balance.options-and-uncertainty", text)
    assert [(f.excerpt, f.severity) for f in found] == [("stop taking your antidepressants",
                                                         "warning")]


def test_negated_always_flag_phrase_is_not_flagged() -> None:
    assert builtin("balance.options-and-uncertainty",
                   "Do not stop taking your medication without talking to your doctor.") == []


def test_promotion_without_options_or_uncertainty_is_info() -> None:
    found = builtin("balance.options-and-uncertainty", "Ketamine is the answer. Book your consultation.")
    assert levels(found) == ["info"]


# ---- required_section and required_text -------------------------------------------------------

def test_treatment_post_without_a_risk_section_is_flagged() -> None:
    assert builtin("safety.section-missing", "Ketamine infusions bring rapid relief.") != []


def test_risk_heading_synonym_satisfies_the_section_rule() -> None:
    text = "# Ketamine\n\nIt may help.\n\n## Safety and Considerations\n\nIt has risks."
    assert builtin("safety.section-missing", text) == []


def test_inline_risk_sentence_satisfies_the_section_rule() -> None:
    assert builtin("safety.section-missing", "This treatment can cause nausea.") == []


def test_post_off_the_topic_needs_no_section() -> None:
    assert builtin("safety.section-missing", "Bipolar disorder is lifelong. Learn the signs.") == []


def test_missing_disclaimer_is_flagged_and_a_disclaimer_passes() -> None:
    assert builtin("disclaimer.missing", "Call today to start healing.") != []
    assert builtin("disclaimer.missing",
                   "This article is general information and is not a substitute for advice.") == []


def test_disclaimer_front_matter_field_satisfies() -> None:
    assert builtin("disclaimer.missing", "Call today.", {"disclaimer": "standard"}) == []


def test_required_text_location_end_ignores_the_start() -> None:
    rule = make_rule("required_text", {"exact": ["disclaimer"], "location": "end",
                                       "location_blocks": 1})
    assert len(review(rule, "Disclaimer first.\n\nSecond.\n\nThird.")) == 1
    assert review(rule, "First.\n\nSecond.\n\nDisclaimer last.") == []


# ---- readability and sentence_length ------------------------------------------------------------

HARD = ("Ketamine, an N-methyl-D-aspartate receptor antagonist, exhibits rapid-acting "
        "antidepressant properties in treatment-refractory populations. Concomitant administration "
        "with benzodiazepines may attenuate therapeutic responsiveness, necessitating "
        "individualized pharmacological optimization. Comprehensive psychiatric evaluation remains "
        "indispensable before initiating intravenous administration.")


def test_prose_above_the_grade_target_is_flagged_with_the_formula_used() -> None:
    (finding,) = builtin("readability.grade", HARD)
    assert "flesch_kincaid_grade" in finding.message  # too few sentences for SMOG


def test_audience_sets_the_grade_target() -> None:
    text = ("Ketamine is an NMDA receptor antagonist licensed for anesthesia. In trials in "
            "treatment-resistant depression, a single subanesthetic infusion improved depression "
            "rating scores within a day. Monitor blood pressure during the infusion and for two "
            "hours afterwards. Screen for psychosis and substance use disorder before starting.")
    assert builtin("readability.grade", text, {"audience": "clinicians"}) == []
    assert len(builtin("readability.grade", text, {"audience": "patients"})) == 1


def test_short_text_is_not_scored() -> None:
    assert builtin("readability.grade", "Short post. Too short to score.") == []


def test_long_sentence_is_flagged_and_short_ones_pass() -> None:
    rule = make_rule("sentence_length", {"max_words": 5})
    assert len(review(rule, "One two three four five six seven.")) == 1
    assert review(rule, "One two three. Four five.") == []


def test_average_sentence_length_is_flagged_for_the_post() -> None:
    rule = make_rule("sentence_length", {"max_words": 0, "max_average": 3})
    assert len(review(rule, "One two three four. Five six seven eight.")) == 1


# ---- metadata -----------------------------------------------------------------------------------

def test_missing_author_is_flagged() -> None:
    assert builtin("authorship.missing", "Ketamine can help some people.") != []


def test_author_field_or_byline_satisfies() -> None:
    assert builtin("authorship.missing", "Text.", {"author": "Priya Shah, MD"}) == []
    assert builtin("authorship.missing", "By Priya Shah, MD\n\nText.") == []


def test_dotted_front_matter_field_satisfies() -> None:
    assert builtin("review.medical-reviewer-missing", "Text.",
                   {"medical_reviewer": {"name": "A. Gomez"}}) == []


# ---- claim --------------------------------------------------------------------------------------

SUPPLEMENT = {"product": "supplement"}


def test_claim_verb_joined_to_a_disease_is_flagged() -> None:
    found = builtin("claims.disease-claim-nondrug", "Our magnesium blend treats anxiety.", SUPPLEMENT)
    assert [(f.excerpt, f.severity) for f in found] == [("treats anxiety", "error")]


def test_disease_named_without_a_claim_verb_is_not_flagged() -> None:
    text = "If you have an anxiety disorder, talk to a clinician about treatment."
    assert builtin("claims.disease-claim-nondrug", text, SUPPLEMENT) == []


def test_hedged_disease_claim_is_downgraded_not_cleared() -> None:
    found = builtin("claims.disease-claim-nondrug", "Our drops may help treat depression.", SUPPLEMENT)
    assert levels(found) == ["warning"]


def test_negated_disease_claim_is_not_flagged() -> None:
    assert builtin("claims.disease-claim-nondrug", "It does not cure cancer.", SUPPLEMENT) == []


def test_disease_before_its_claim_word_is_flagged() -> None:
    assert builtin("claims.disease-claim-nondrug", "Skin cancers disappear.", SUPPLEMENT) != []


def test_claim_word_too_far_from_the_disease_is_not_joined() -> None:
    rule = make_rule("claim", {"predicates": {"terms": ["treat"]},
                               "objects": {"terms": ["anxiety"]}, "max_gap": 2})
    assert len(review(rule, "It treats mild anxiety.")) == 1
    assert review(rule, "It treats your very many worries and anxiety.") == []


def test_claim_word_in_a_hyphenated_adjective_is_no_claim() -> None:
    text = "Ketamine for hard-to-treat depression."
    assert builtin("claims.disease-claim-nondrug", text, {"product": "service"}) == []


def test_claim_is_not_joined_across_a_contrast() -> None:
    rule = make_rule("claim", {"predicates": {"terms": ["cure"]}, "objects": {"terms": ["cancer"]}})
    assert review(rule, "It cures nothing, but cancer is common.") == []


def test_claim_rule_may_not_skip_hedged_claims() -> None:
    rule = make_rule("claim", {"predicates": {"terms": ["treat"]}, "objects": {"terms": ["flu"]},
                               "hedged": "skip"})
    with pytest.raises(RuleError, match="hedged: skip is not allowed"):
        Engine(RuleSet(rules=[rule], tables=US.tables))


def test_sentence_about_a_prescription_drug_is_not_a_nondrug_claim() -> None:
    text = "Ketamine infusions can ease depression within hours."
    assert builtin("claims.disease-claim-nondrug", text, {"product": "service"}) == []
    follow_on = "We offer ketamine infusions. They may ease depression within hours."
    assert builtin("claims.disease-claim-nondrug", follow_on, {"product": "service"}) == []
    assert builtin("claims.disease-claim-nondrug", "Our IV drips ease depression.",
                   {"product": "service"}) != []


def test_product_gate_switches_a_rule_off() -> None:
    text = "Our infusions treat depression."
    assert builtin("claims.disease-claim-nondrug", text, {"product": "rx"}) == []
    assert builtin("claims.disease-claim-nondrug", text) == []


def test_unknown_in_applies_to_means_when_the_post_does_not_say() -> None:
    rule = make_rule("phrase", {"exact": ["cure"]}, applies_to={"publisher": ["clinic", "unknown"]})
    assert len(review(rule, "A cure.")) == 1
    assert review(rule, "A cure.", {"publisher": "publisher"}) == []


# ---- proximity ----------------------------------------------------------------------------------

def proximity(**options: Any) -> Rule:
    return make_rule("proximity", {"exact": ["mice"], "near": {"terms": ["patient"]}, **options},
                     level="warning")


def test_match_with_its_companion_in_the_sentence_is_flagged() -> None:
    assert len(review(proximity(), "In mice it worked, so patients will heal.")) == 1


def test_match_without_a_companion_is_not_flagged() -> None:
    assert review(proximity(), "In mice it changed synapses.") == []


def test_companion_in_the_next_sentence_counts_for_the_adjacent_window() -> None:
    text = "It worked in mice. Patients will heal faster."
    assert review(proximity(), text) == []
    assert len(review(proximity(window="adjacent"), text)) == 1


def test_companion_in_another_paragraph_does_not_count() -> None:
    assert review(proximity(window="adjacent"), "It worked in mice.\n\nPatients heal.") == []


def test_contrast_in_the_window_clears_the_match() -> None:
    rule = proximity(unless_near={"terms": ["but"]})
    assert review(rule, "It worked in mice, but patients may differ.") == []


def test_negated_companion_does_not_count() -> None:
    assert review(proximity(), "In mice it worked; it does not help patients.") == []


def test_standalone_phrase_needs_no_companion() -> None:
    rule = proximity(standalone={"exact": ["worked for me"]})
    assert len(review(rule, "It worked for me.")) == 1


def test_proximity_escalates_when_the_window_has_escalation_terms() -> None:
    rule = proximity(escalate_to="error", escalate_if_near={"terms": ["cure"]})
    assert levels(review(rule, "In mice it worked, so patients will find a cure.")) == ["error"]


def test_report_first_stops_after_one_hit() -> None:
    text = "Mice helped patients.\n\nMice helped patients again."
    assert len(review(proximity(), text)) == 2
    assert len(review(proximity(report="first"), text)) == 1


def test_proximity_without_near_is_a_rule_error() -> None:
    rule = make_rule("proximity", {"exact": ["mice"]})
    with pytest.raises(RuleError, match="needs `near`"):
        Engine(RuleSet(rules=[rule], tables=US.tables))


def test_animal_finding_used_for_people_is_flagged() -> None:
    text = "Studies in mice show ketamine rebuilds brain connections, so patients heal faster."
    assert builtin("evidence.preclinical-extrapolation", text) != []


def test_animal_finding_kept_in_its_place_is_not_flagged() -> None:
    text = "Early animal studies are interesting, but they do not show the same effect in people."
    assert builtin("evidence.preclinical-extrapolation", text) == []


def test_suicide_method_detail_is_flagged_and_means_safety_advice_is_not() -> None:
    assert builtin("safe-messaging.method-detail",
                   "She took a large number of sleeping pills to end her life.") != []
    assert builtin("safe-messaging.method-detail",
                   "If someone is thinking about suicide, lock away sleeping pills.") == []


def test_testimonial_beside_typical_results_is_not_flagged() -> None:
    assert builtin("claims.testimonial", "It worked for me, and I feel like myself again.") != []
    assert builtin("claims.testimonial",
                   "It worked for me; in published trials, roughly half of participants improved.") == []


# ---- first_mention ------------------------------------------------------------------------------

def test_undefined_term_at_first_mention_is_flagged() -> None:
    (finding,) = builtin("language.jargon-undefined", "Ketamine is an NMDA antagonist.")
    assert finding.excerpt == "NMDA antagonist"
    assert "a receptor in the brain" in finding.message


@pytest.mark.parametrize("text", [
    "You may feel dissociation (a sense of being detached from your surroundings).",
    "Ketamine blocks a brain receptor called NMDA.",
    "It acts on glutamate, a chemical messenger in the brain.",
    "Some drugs are contraindicated, which means they should not be used.",
    "Doctors adjust the dose slowly (titration).",
])
def test_explained_term_is_not_flagged(text: str) -> None:
    assert builtin("language.jargon-undefined", text) == []


def test_only_the_first_mention_is_judged() -> None:
    defined_first = "You may feel dissociation (feeling detached). Dissociation passes."
    assert builtin("language.jargon-undefined", defined_first) == []
    defined_later = "Dissociation passes. You may feel dissociation (feeling detached)."
    assert len(builtin("language.jargon-undefined", defined_later)) == 1


def test_terms_in_one_sentence_make_one_finding() -> None:
    (finding,) = builtin("language.jargon-undefined", "It acts on NMDA and promotes neuroplasticity.")
    assert '"NMDA", "neuroplasticity"' in finding.message


def test_heading_mentions_are_skipped() -> None:
    text = "# Dissociation\n\nYou may feel dissociation: a sense of floating."
    assert builtin("language.jargon-undefined", text) == []


def test_lexicon_entry_without_plain_wording_is_a_rule_error() -> None:
    rule = make_rule("first_mention", {"table": "bad-lexicon"})
    tables = {**US.tables, "bad-lexicon": {"nmda": {"exact": ["NMDA"]}}}
    with pytest.raises(RuleError, match="needs a `plain` wording"):
        Engine(RuleSet(rules=[rule], tables=tables))


# ---- date_age -----------------------------------------------------------------------------------

def stale(today: str = "2025-06-01", **options: Any) -> Rule:
    return make_rule("date_age", {"fields": ["last_reviewed", "date"], "today": today,
                                  "body_regex": [r"(?i)last reviewed:?\s+(\w+ \d{4})"],
                                  "max_age_days": 365, **options}, level="info",
                     message="{date} is {days} days before {today} (max {max})")


def test_review_date_older_than_max_age_is_flagged() -> None:
    (finding,) = review(stale(), "Text.", {"last_reviewed": dt.date(2023, 1, 1)})
    assert finding.message == "2023-01-01 is 882 days before 2025-06-01 (max 365)"
    assert finding.severity == "info"


def test_recent_review_date_passes() -> None:
    assert review(stale(), "Text.", {"last_reviewed": dt.date(2025, 1, 1)}) == []


def test_newest_date_counts() -> None:
    front = {"date": dt.date(2015, 1, 1), "last_reviewed": dt.date(2025, 1, 1)}
    assert review(stale(), "Text.", front) == []


def test_date_in_the_text_is_read_and_located() -> None:
    (finding,) = review(stale(), "Last reviewed: June 2019\n\nText.")
    assert finding.excerpt == "June 2019"


def test_month_only_date_counts_from_its_last_day() -> None:
    assert review(stale(today="2020-06-29"), "Last reviewed: June 2019\n\nText.") == []
    assert len(review(stale(today="2020-06-30"), "Last reviewed: June 2019\n\nText.")) == 1


def test_environment_variable_sets_the_reference_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDREVIEW_TODAY", "2019-07-01")
    assert review(stale(today=""), "Last reviewed: June 2019\n\nText.") == []
    monkeypatch.setenv("MEDREVIEW_TODAY", "2030-01-01")
    assert len(review(stale(today=""), "Last reviewed: June 2019\n\nText.")) == 1


def test_malformed_reference_date_is_a_rule_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDREVIEW_TODAY", "next tuesday")
    with pytest.raises(RuleError, match="MEDREVIEW_TODAY must be a date as YYYY-MM-DD"):
        Engine(RuleSet(rules=[stale(today="")], tables=US.tables))


def test_very_old_date_escalates() -> None:
    rule = stale(escalate_after_days=1000, escalate_to="warning")
    assert levels(review(rule, "Text.", {"date": dt.date(2020, 1, 1)})) == ["warning"]


def test_post_without_a_date_is_left_to_date_missing() -> None:
    assert review(stale(), "Text without a date.") == []


def test_dates_in_the_references_section_are_not_review_dates() -> None:
    text = "Text [1].\n\n## References\n\n1. Lee A. Last reviewed: June 2001."
    assert review(stale(), text) == []


@pytest.mark.parametrize("value,expected", [
    ("2025-01-02", dt.date(2025, 1, 2)),
    ("2 Jan 2025", dt.date(2025, 1, 2)),
    ("January 2, 2025", dt.date(2025, 1, 2)),
    ("June 2019", dt.date(2019, 6, 30)),
    ("Sept. 2019", dt.date(2019, 9, 30)),
    ("2019", dt.date(2019, 12, 31)),
    ("06/2019", dt.date(2019, 6, 30)),
    (dt.datetime(2024, 5, 1, 10, 0), dt.date(2024, 5, 1)),
    ("31 Feb 2024", None),
    ("recently", None),
])
def test_dates_are_parsed_to_their_latest_day(value: object, expected: dt.date | None) -> None:
    assert date_age.parse_date(value) == expected


# ---- credentials --------------------------------------------------------------------------------

def test_generic_author_name_is_flagged() -> None:
    (finding,) = builtin("authorship.credentials-missing", "Posted by Admin\n\nText.")
    assert '"Admin"' in finding.message


def test_author_without_credentials_is_flagged() -> None:
    assert builtin("authorship.credentials-missing", "Written by Jordan Lee\n\nText.") != []


def test_credentialed_byline_passes() -> None:
    assert builtin("authorship.credentials-missing",
                   "By Priya Shah, MD, board-certified psychiatrist\n\nText.") == []


def test_credentials_in_front_matter_pass() -> None:
    assert builtin("authorship.credentials-missing", "Text.",
                   {"author": {"name": "Priya Shah", "credentials": "PharmD"}}) == []


def test_clinical_role_counts_as_a_credential() -> None:
    assert builtin("authorship.credentials-missing", "Text.",
                   {"author": "Ana Gomez, registered nurse"}) == []


def test_no_author_is_left_to_authorship_missing() -> None:
    assert builtin("authorship.credentials-missing", "Text.") == []


def test_sentence_starting_with_by_is_not_a_byline() -> None:
    assert builtin("authorship.credentials-missing", "By the end of the week, most feel settled.") == []


# ---- hedging policy -----------------------------------------------------------------------------

@pytest.mark.parametrize("pack", ["us", "uk", "eu"])
def test_no_claim_rule_lets_a_hedge_clear_a_claim(pack: str) -> None:
    for rule in load_ruleset((pack,)).rules:
        if rule.id.startswith(("overclaim.", "claims.", "eu.food", "eu.cosmetic")):
            assert rule.options.get("hedged", "keep") in ("keep", "downgrade"), rule.id
