window.YTD.follower.part0 = [
  {
    "follower" : {
      "accountId" : "1234567890123456789",
      "userLink" : "https://twitter.com/intent/user?user_id=1234567890123456789"
    }
  },
  {
    "follower" : {
      "accountId" : "1511223344556677889",
      "userLink" : "https://twitter.com/intent/user?user_id=1511223344556677889"
    }
  },
  {
    "follower" : {
      "accountId" : "987654321",
      "userLink" : "https://twitter.com/intent/user?user_id=987654321"
    }
  },
  {
    "follower" : {
      "accountId" : "44196397",
      "userLink" : "https://twitter.com/intent/user?user_id=44196397"
    }
  },
  {
    "follower" : {
      "accountId" : "1600000000000000001",
      "userLink" : "https://twitter.com/intent/user?user_id=1600000000000000001"
    }
  },
  {
    "follower" : {
      "accountId" : "2244994945",
      "userLink" : "https://twitter.com/intent/user?user_id=2244994945"
    }
  }
]
