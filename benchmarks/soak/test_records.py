"""The soak's trajectory check must catch what it is there to catch: run
by run.sh before every soak (python3 -m unittest)."""
import json
import math
import os
import tempfile
import unittest

from records import Mismatch, Record, RecordIndex, check_retrieved, expected_trajectory, pick_record


def record(rid, prompt, output, logprobs, version="1"):
    return Record({"rid": rid, "prompt_ids": prompt, "output_ids": output, "logprobs": logprobs,
                   "weight_version": version})


# Two turns: turn 2's prompt is turn 1's trajectory plus a new user message.
TURN1 = record("c1-t1-a0", [10, 11, 12], [20, 21], [-0.5, -0.25], "3")
TURN2 = record("c1-t2-a0", [10, 11, 12, 20, 21, 13, 14], [22, 23, 24], [-1.0, -0.125, -2.0], "4")


def retrieved_for(turns):
    tokens, mask, logp, versions = expected_trajectory(turns)
    return {"tokens": tokens, "loss_mask": mask, "rollout_logp": logp, "weight_versions": versions,
            "token_length": len(tokens), "loss_mask_length": len(mask), "exact": True,
            "retokenized_tokens": 0, "rid": turns[-1].rid}


class ExpectedTrajectoryTests(unittest.TestCase):
    def test_every_turns_output_is_masked_with_its_own_values(self):
        tokens, mask, logp, versions = expected_trajectory([TURN1, TURN2])
        self.assertEqual(tokens, [10, 11, 12, 20, 21, 13, 14, 22, 23, 24])
        self.assertEqual(mask, [0, 0, 0, 1, 1, 0, 0, 1, 1, 1])
        self.assertEqual(logp, [0.0, 0.0, 0.0, -0.5, -0.25, 0.0, 0.0, -1.0, -0.125, -2.0])
        self.assertEqual(versions, [None, None, None, "3", "3", None, None, "4", "4", "4"])

    def test_a_later_prompt_that_does_not_extend_the_earlier_turn_is_refused(self):
        retokenized = record("c1-t2-a0", [10, 11, 12, 99, 13, 14], [22], [-1.0])
        with self.assertRaises(Mismatch):
            expected_trajectory([TURN1, retokenized])


class CheckRetrievedTests(unittest.TestCase):
    def test_the_exact_trajectory_passes(self):
        check_retrieved(retrieved_for([TURN1, TURN2]), [TURN1, TURN2])

    def test_each_kind_of_difference_is_caught(self):
        def changed(**fields):
            answer = retrieved_for([TURN1, TURN2])
            for key, edit in fields.items():
                answer[key] = edit(answer[key])
            return answer

        one_ulp = math.nextafter(-0.5, 0.0)
        cases = {
            "a logprob one ulp off": changed(rollout_logp=lambda v: v[:3] + [one_ulp] + v[4:]),
            "-0.0 for 0.0": changed(rollout_logp=lambda v: [-0.0] + v[1:]),
            "a mask bit": changed(loss_mask=lambda v: v[:5] + [1] + v[6:]),
            "a token": changed(tokens=lambda v: v[:-1] + [25]),
            "a version": changed(weight_versions=lambda v: v[:3] + ["4"] + v[4:]),
            "not exact": changed(exact=lambda v: False),
            "another rid": changed(rid=lambda v: "c1-t1-a0"),
            "a shorter answer": changed(tokens=lambda v: v[:-1], loss_mask=lambda v: v[:-1],
                                        rollout_logp=lambda v: v[:-1], weight_versions=lambda v: v[:-1]),
        }
        for name, answer in cases.items():
            with self.subTest(name), self.assertRaises(Mismatch):
                check_retrieved(answer, [TURN1, TURN2])


class PickRecordTests(unittest.TestCase):
    def test_the_generation_the_client_got_is_chosen_among_a_rids_records(self):
        other = record(TURN2.rid, TURN2.prompt_ids, [30, 31, 32], [-3.0, -3.0, -3.0])
        self.assertIs(pick_record([other, TURN2], TURN2.output_ids, TURN2.logprobs), TURN2)
        with self.assertRaises(Mismatch):
            pick_record([other], TURN2.output_ids, TURN2.logprobs)


class RecordIndexTests(unittest.TestCase):
    def test_whole_lines_only_aborted_ones_counted_and_a_torn_tail_reported(self):
        with tempfile.TemporaryDirectory() as directory:
            def line(rid, aborted=False):
                return json.dumps({"rid": rid, "prompt_ids": [1], "output_ids": [2], "logprobs": [-0.5],
                                   "weight_version": "1", "aborted": aborted}).encode() + b"\n"

            path = os.path.join(directory, "worker0-1.jsonl")
            with open(path, "wb") as f:
                f.write(line("c1-t1-a0", aborted=True) + line("c1-t1-a0") + line("h7") + line("c2-t1-a0")[:20])
            index = RecordIndex(directory, prefix="c")
            self.assertEqual(len(index.take("c1-t1-a0")), 1)
            self.assertEqual(index.take("c2-t1-a0"), [])  # not whole yet
            with open(path, "ab") as f:
                f.write(line("c2-t1-a0")[20:] + line("c3-t1-a0")[:10])
            self.assertEqual(len(index.take("c2-t1-a0")), 1)
            index.count_torn_lines()
            self.assertEqual(index.counts, {"finished": 3, "aborted": 1, "other_rids": 1, "torn_lines": 1})


if __name__ == "__main__":
    unittest.main()
