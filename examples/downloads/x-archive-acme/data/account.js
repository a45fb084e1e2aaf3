window.YTD.account.part0 = [
  {
    "account" : {
      "username" : "acme",
      "accountId" : "1100000000000000001",
      "createdVia" : "web",
      "accountDisplayName" : "ACME Outdoor"
    }
  }
]
