"""10x chemistries: cell-barcode and UMI lengths in read 1 (the UMI follows the barcode)."""

CHEMISTRY = {"10xv2": (16, 10), "10xv3": (16, 12)}
