from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


rule all:
    input:
        all_outputs(),
    default_target: True


include: "workflow/rules/ref.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/counts.smk"
