"""What we know about Ofsted: report taxonomy, authority records, inspection types, the social-care vocabulary."""
