from snakemake.utils import min_version

min_version("9.0")


# The config is config/config.yaml, or instead (never merged with it) the files given with
# --configfile: the demo or another cohort cannot pick up this cohort's designs.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


rule all:
    default_target: True
    input:
        all_outputs(),


include: "workflow/rules/ref.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/counts.smk"
include: "workflow/rules/xbp1.smk"
include: "workflow/rules/de.smk"
include: "workflow/rules/sc.smk"


if config.get("clinical_table"):

    include: "workflow/rules/clinical.smk"


include: "workflow/rules/laptop.smk"
include: "workflow/rules/qc.smk"


onsuccess:
    print_run_summary()
