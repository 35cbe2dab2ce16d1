"""The end of the call-up: exemption (免召) and replacement (遞補), bulk exemption of a disaster area, recall and
correction after issuing, closing the order with its frozen yield, and the follow-up of no-shows."""
