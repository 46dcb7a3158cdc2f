"""The demo genes: names from domain-notes.md, the category each belongs to, bulk expression level.

`level` is the mean number of fragments in a bulk sample at scale 1 (leukocytes for human, DRG
macrophages for mouse) before size factors and planted effects.
"""

from dataclasses import dataclass

PROGRAM = "inflammatory"  # the IRE1α–XBP1-driven program that paclitaxel raises


@dataclass(frozen=True)
class Gene:
    name: str
    category: str
    level: float
    cell_types: tuple[str, ...] = ()


def _genes(category: str, names: str, level: float, cell_types: tuple[str, ...] = ()) -> list[Gene]:
    return [Gene(name, category, level, cell_types) for name in names.split()]


def _levels(category: str, levels: dict[str, float], cell_types: tuple[str, ...] = ()) -> list[Gene]:
    return [Gene(name, category, level, cell_types) for name, level in levels.items()]


HUMAN = [
    Gene("XBP1", "xbp1", 1400),
    *_genes(PROGRAM, "TNF IL1B IL6 IL1A PTGS2 PTGES PLA2G4A CCL2 CCL3 CCL4 CXCL2 CXCL8 CXCL10 NOS2 NLRP3", 120),
    *_genes("anti_inflammatory", "IL10", 60),
    *_genes("xbp1s_target", "DNAJB9 SEC61A1 SEC24D SEL1L EDEM1 HYOU1 PDIA4 PDIA6 DNAJB11 SDF2L1", 150),
    *_genes("ridd", "BLOC1S1 SCARA3 COL6A1 HGSNAT ERGIC3", 150),
    *_genes("perk_control", "ATF4 DDIT3 ASNS TRIB3", 120),
    *_genes("atf6_control", "HSPA5 HERPUD1 CALR", 250),
    *_levels("housekeeping", dict(ACTB=1500, GAPDH=900, B2M=1500, RPLP0=700, PPIA=500, TBP=40, HPRT1=70)),
    *_levels("marker", dict(CD14=350, LYZ=1800, S100A8=1600, S100A9=1800), ("classical_monocyte",)),
    *_levels("marker", dict(FCGR3A=250), ("nonclassical_monocyte",)),
    *_levels("marker", dict(CD3E=350, IL7R=300), ("T",)),
    *_levels("marker", dict(NKG7=300, GNLY=300), ("NK",)),
    *_levels("marker", dict(MS4A1=150, CD79A=150), ("B",)),
    *_levels("marker", dict(MZB1=40, JCHAIN=40), ("plasmablast",)),
    *_levels("marker", dict(PPBP=250), ("platelet",)),
    *_levels("mito", {"MT-CO1": 900, "MT-ND1": 400, "MT-ATP6": 600}),
]

CELL_TYPES = ("macrophage", "monocyte", "neuron", "satellite_glia", "schwann", "fibroblast", "endothelial")
# Bulk DRG macrophages: macrophage markers high, monocyte markers moderate, other types as traces.
_MACROPHAGE_LEVELS = dict(
    Cx3cr1=400, Csf1r=500, Adgre1=300, Aif1=600, Cd68=400, C1qa=800, Lyz2=1500, Mrc1=300, Lyve1=200
)
_TRACE_MARKERS = {
    "neuron": "Snap25 Prph Avil Tubb3 Scn10a",
    "satellite_glia": "Fabp7 Kcnj10 Glul",
    "schwann": "Mpz Prx Mbp Sox10 Pmp22",
    "fibroblast": "Dcn Pdgfra Col1a1 Apod Lum",
    "endothelial": "Pecam1 Cdh5 Cldn5 Ly6c1",
}

MOUSE = [
    Gene("Xbp1", "xbp1", 1400),
    *_genes(PROGRAM, "Tnf Il1b Il6 Il1a Ptgs2 Ptges Pla2g4a Ccl2 Ccl3 Ccl4 Cxcl2 Cxcl10 Nos2 Nlrp3", 120),
    *_genes("anti_inflammatory", "Il10", 60),
    *_genes("xbp1s_target", "Dnajb9 Sec61a1 Sec24d Sel1l Edem1 Hyou1 Pdia4 Pdia6 Dnajb11 Sdf2l1", 150),
    *_genes("ridd", "Bloc1s1 Scara3 Col6a1 Hgsnat Ergic3", 150),
    *_genes("perk_control", "Atf4 Ddit3 Asns Trib3", 120),
    *_genes("atf6_control", "Hspa5 Herpud1 Calr", 250),
    *_levels("housekeeping", dict(Actb=1500, Gapdh=900, B2m=1200, Rplp0=700, Ppia=500, Tbp=40, Hprt=70)),
    Gene("Ptprc", "marker", 300, ("macrophage", "monocyte")),
    *_levels("marker", _MACROPHAGE_LEVELS, ("macrophage",)),
    *_genes("marker", "Ly6c2 Plac8 Chil3 Ccr2", 60, ("monocyte",)),
    *[gene for cell_type, names in _TRACE_MARKERS.items() for gene in _genes("marker", names, 15, (cell_type,))],
    *_levels("mito", {"mt-Co1": 900, "mt-Nd1": 400, "mt-Atp6": 600}),
]

CATALOGUE = {"human": HUMAN, "mouse": MOUSE}
