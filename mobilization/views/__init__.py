"""The pages of the call-up, one module per topic: orders (the order page is views/orders.py OrderDetailView),
candidates, notices, policy, and the public verification page (public.py)."""
