"""Fabrics derived from the design: textbook fat trees, published networks, and the presets."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace

import pytest

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model import presets
from ascend_tui.model.design import replace_at
from ascend_tui.model.toml_format import parse_design


def network(
    tiers: int,
    endpoints: int,
    *,
    planes: int = 1,
    over: str = "[1.0]",
    leaf_in: str = "network",
    ports: int = 64,
):
    """`endpoints` hosts with one 400G NIC each under a fat tree of `ports`-port 400G switches."""
    text = textwrap.dedent(f"""\
        format = 2
        name = "net"
        [parts.switch]
        kind = "switch"
        ports = {ports}
        port_gbps = 400
        power_w = 500
        [pod]
        name = "pod"
        [pod.scaleout_fabric]
        tiers = {tiers}
        planes = {planes}
        oversubscription = {over}
        switch = "switch"
        leaf_in = "{leaf_in}"
        transceiver = "optic-400g-dsp"
        cable = "dac-800g-osfp"
        [[pod.servers]]
        name = "host"
        count = {endpoints}
        [pod.servers.parts]
        nvidia-connectx7-400g = 1
        """)
    evaluation = evaluate(parse_design(text))
    [fabric] = evaluation.fabrics()
    return evaluation.totals(), fabric


@pytest.mark.parametrize("k", [8, 16, 64])
def test_a_k_ary_fat_tree_has_k_cubed_over_4_hosts_and_5_k_squared_over_4_switches(k):
    m, fabric = network(3, k**3 // 4, ports=k)
    assert fabric.derived["feasible"] == 1.0
    assert fabric.derived["max_endpoints"] == k**3 // 4
    assert m["switches"] == 5 * k * k // 4
    _, beyond = network(3, k**3 // 4 + 1, ports=k)
    assert beyond.derived["feasible"] == 0.0


def test_deepseeks_table_of_64_port_networks():
    """Zhao et al., 'Insights into DeepSeek-V3', ISCA '25, arXiv:2505.09343, §5.1, Table 3."""
    m, two = network(2, 2048)
    assert (two.derived["endpoints"], m["switches"], two.derived["switch_links"]) == (2048, 96, 2048)
    m, planes = network(2, 16384, planes=8)
    assert (planes.derived["endpoints"], m["switches"], planes.derived["switch_links"]) == (16384, 768, 16384)
    m, three = network(3, 65536)
    assert (three.derived["endpoints"], m["switches"], three.derived["switch_links"]) == (65536, 5120, 131072)
    assert three.derived["hops"] == 5 and two.derived["hops"] == 3


def test_a_two_tier_leaf_spine_with_oversubscription_has_the_stated_uplinks():
    # 3:1 at the leaf: 48 ports down, 16 up; 1,536 hosts' NICs need 32 leaves and 512 uplinks.
    _, fabric = network(2, 1536, over="[3.0]")
    assert fabric.derived["tier1_switches"] == 32
    assert fabric.derived["switch_links"] == 32 * 16
    assert fabric.derived["tier2_switches"] == 8
    assert fabric.derived["bisection_gbit"] == pytest.approx(1536 * 400 / 2 / 3)


def test_meta_llama_3_at_one_to_seven_above_the_pods():
    """'The Llama 3 Herd of Models', arXiv:2407.21783, §3.3.1: 24K GPUs, 1:7 at aggregation.
    Leaves: 24,576 / 32 = 768 with 24,576 uplinks; aggregation switches take 56 down and 8 up:
    ceil(24,576 / 56) = 439 (438 full, one with 48), uplinks 438 x 8 + ceil(48 / 7) = 3,511;
    cores ceil(3,511 / 64) = 55."""
    m, fabric = network(3, 24576, over="[1.0, 7.0]")
    d = fabric.derived
    assert (d["tier1_switches"], d["tier2_switches"], d["tier3_switches"]) == (768, 439, 55)
    assert d["switch_links"] == 24576 + 3511
    assert m["bisection_bandwidth_tbps"] == pytest.approx(24576 * 400 / 2 / 7 / 8 / 1000)


def test_top_of_rack_leaves_use_copper_to_the_servers():
    _, fabric = network(2, 2048, leaf_in="cabinet")
    assert fabric.derived["copper_links"] == 2048 and fabric.derived["cables"] == 2048
    assert fabric.derived["transceivers"] == 2 * 2048  # the leaf-spine links only
    assert fabric.derived["network_cabinets"] == 2  # the 32 spines; leaves sit in the racks


def test_a_network_too_big_for_its_tiers_says_so_and_what_to_do():
    _, fabric = network(2, 4096)
    assert fabric.derived["feasible"] == 0.0
    assert fabric.problem == (
        "scale-out network of pod 'pod': 2 tiers of 64-port switches connect at most 2,048 endpoints; "
        "it has 4,096: make it 3 tiers or serve at most 2,048 endpoints"
    )


def atlas_950_with(cabinets: int, **fabric: object):
    """The Atlas 950 SuperPoD with `cabinets` compute cabinets, its UB fabric changed as given."""
    design = presets.load("atlas-950-superpod")
    design = replace_at(design, (0,), lambda n: replace(n, count=cabinets))
    return replace(
        design, root=replace(design.root, scaleup_fabric=replace(design.root.scaleup_fabric, **fabric))
    )


def test_a_scale_up_fabric_too_big_suggests_only_fixes_it_can_take():
    """Its 20 planes already take one of each NPU's 20 links and it has the 2 tiers a scale-up
    fabric can have: what is left is a switch with more ports (ub-switch-960: 20 planes x 256
    spines x 128 leaves' down ports = 655,360 links) or fewer chips (163,840 / 20 links)."""
    [fabric] = evaluate(atlas_950_with(129)).fabrics()
    assert fabric.problem == (
        "scale-up fabric of supernode 'Atlas 950 SuperPoD': 2 tiers of 128-port switches connect at "
        "most 163,840 chip links; it has 165,120: use the 256-port switch ub-switch-960 or serve at most "
        "8,192 chips"
    )
    [fixed] = evaluate(atlas_950_with(129, switch="ub-switch-960")).fabrics()
    assert fixed.derived["feasible"] == 1.0 and fixed.derived["max_endpoints"] == 655_360


def test_a_scale_up_fabric_with_fewer_planes_than_links_suggests_more_planes():
    # 5 planes of 4 links per NPU: 5 x 128 x 64 = 40,960 links; 100 cabinets need 128,000: 20
    # planes (of the divisors of 20 above 5, 10 give 81,920) or the 256-port switch (5 x 256 x 128).
    [fabric] = evaluate(atlas_950_with(100, planes=5)).fabrics()
    assert fabric.problem.endswith(
        "it has 128,000: give it 20 planes or use the 256-port switch ub-switch-960 or serve at most "
        "2,048 chips"
    )


def test_a_one_tier_scale_up_fabric_too_big_suggests_a_second_tier_and_its_optics():
    design = presets.load("gb200-nvl72")
    design = replace_at(design, (0,), lambda n: replace(n, count=37))  # 148 GPUs on 144-port trays
    [fabric] = evaluate(design).fabrics()
    assert "1 tier of 144-port switches connects at most 2,592 chip links" in fabric.problem
    assert fabric.problem.endswith(
        "it has 2,664: make it 2 tiers (and a `transceiver` for its optics) or serve at most 144 chips"
    )


def test_cloudmatrix_384s_optics_follow_from_how_it_is_wired():
    """6,912 optics (SemiAnalysis, 16 Apr 2025): 7 x 400G UB links per NPU into 7 planes, and one
    400G RDMA port per NPU into a two-tier fat tree (the inputs, from the wiring reports)."""
    evaluation = evaluate(presets.load("cloudmatrix-384"))
    ub, rdma = evaluation.fabrics()
    assert ub.derived["tier1_switches"] == 336  # 7 L1 chips per node, as reported
    assert ub.derived["transceivers"] == 5376  # 14 per NPU
    assert rdma.derived["transceivers"] == 1536  # 4 per NPU
    assert evaluation.totals()["transceivers"] == 6912


def test_the_nvl72_nvlink_domain_is_nine_trays():
    m = evaluate(presets.load("gb200-nvl72")).totals()
    assert (m["switches"], m["scaleup_domain_chips"], m["scaleup_domains"]) == (9, 72, 1)


def test_the_hgx_h100_has_four_nvswitches():
    assert evaluate(presets.load("h100-8gpu-server")).totals()["switches"] == 4


def test_every_preset_states_a_fabric_and_every_fabric_works(preset_name):
    fabrics = evaluate(presets.load(preset_name)).fabrics()
    assert fabrics
    assert [f.problem for f in fabrics] == [""] * len(fabrics)


def test_derived_network_power_shows_in_the_power_breakdown():
    m = evaluate(presets.load("gb200-nvl72-cluster")).totals()
    assert m["network_power_kw"] > 0
    parts = m["nic_power_kw"] + m["switch_power_kw"] + m["optics_power_kw"] + m["cable_power_kw"]
    assert m["network_power_kw"] == pytest.approx(parts * 1.0, rel=0.1)  # plus network-rack overhead
    assert m["network_power_share"] == pytest.approx(m["network_power_kw"] / m["it_power_kw"])


def test_the_fabrics_command_draws_each_fabric_as_its_tiers(capsys):
    from ascend_tui.cli import main

    assert main(["fabrics", "cloudmatrix-384"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "scale-up fabric of supernode 'CloudMatrix 384' · switched, 7 planes, 2 tiers, 3 hops\n"
        "  tier 2         56 × ub-switch-l2, 48 ports   in network cabinets\n"
        "          2,688 links between tiers, optical\n"
        "  tier 1        336 × ub-switch-l1, 16 ports   on the servers\n"
        "          2,688 links from the chips, on the boards\n"
        "  connects 2,688 chip links (room for 2,688 with these switches) · needs 5,376 transceivers, "
        "4 network cabinets\n"
    )
    assert "bisection 9.60 TB/s per direction" in out  # 384 × 400 Gb/s ÷ 2, per direction
    assert main(["fabrics", "gb200-nvl72-cluster", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rack, network = data["fabrics"]
    assert (rack["instances"], rack["per_instance"]["tier1_switches"]) == (16, 9)
    assert network["kind"] == "scale-out" and network["per_instance"]["tier2_switches"] == 18
