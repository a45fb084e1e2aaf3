window.YTD.following.part0 = [
  {
    "following" : {
      "accountId" : "2244994945",
      "userLink" : "https://twitter.com/intent/user?user_id=2244994945"
    }
  },
  {
    "following" : {
      "accountId" : "1234567890123456789",
      "userLink" : "https://twitter.com/intent/user?user_id=1234567890123456789"
    }
  },
  {
    "following" : {
      "accountId" : "783214",
      "userLink" : "https://twitter.com/intent/user?user_id=783214"
    }
  }
]
