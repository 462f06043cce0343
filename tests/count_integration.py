"""Print how many worker integration tests ran and passed; fail when none did."""

import sys
import xml.etree.ElementTree as ET


def main(path):
    cases = ET.parse(path).getroot().iter("testcase")
    integration = [c for c in cases if ".integration." in f".{c.get('classname', '')}."]
    passed = [c for c in integration if not list(c)]
    print(f"worker integration tests: {len(passed)} passed of {len(integration)} run")
    return 0 if passed and len(passed) == len(integration) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
