# Checkov imports every .py file of a folder that has an __init__.py (--external-checks-dir). Nothing here.
